import { act, fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

vi.mock("../../bindings", () => ({
  commands: {
    checkLink: vi.fn(async () => ({
      status: "ok",
      data: { verdict: "replaced", message: "Un lien plus récent a été envoyé.", email: null, expires_at: null },
    })),
  },
}));

import { LinkCheckPage } from "./LinkCheckPage";

describe("the link check", () => {
  it("takes the verdict away as soon as the agent edits the link", async () => {
    render(<LinkCheckPage onOpenAddress={() => {}} />);
    const field = document.getElementById("link-input") as HTMLTextAreaElement;
    fireEvent.change(field, { target: { value: "https://portail/reset-password/reset/aaaa" } });
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Vérifier" }));
    });
    expect(document.getElementById("link-verdict")?.dataset.verdict).toBe("replaced");

    fireEvent.change(field, { target: { value: "https://portail/reset-password/reset/bbbb" } });
    expect(document.getElementById("link-verdict")).toBeNull();
  });
});
