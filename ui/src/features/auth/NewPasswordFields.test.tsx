import { act, fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { byId } from "../../test/dom";

const commands = vi.hoisted(() => ({ passwordRules: vi.fn() }));
vi.mock("../../bindings", () => ({ commands }));

import { confirmationDiffers, NewPasswordFields } from "./NewPasswordFields";

const MISMATCH = "Les deux mots de passe diffèrent.";

function Form() {
  const [password, setPassword] = useState("");
  const [confirmation, setConfirmation] = useState("");
  return (
    <NewPasswordFields id="pw" label="Nouveau mot de passe" password={password} onPasswordChange={setPassword}
      confirmation={confirmation} onConfirmationChange={setConfirmation} stateOf={() => ({})} />
  );
}

async function type(id: string, value: string) {
  await act(async () => {
    fireEvent.change(byId(id), { target: { value } });
  });
}

describe("a new password typed twice", () => {
  beforeEach(() => {
    commands.passwordRules.mockImplementation(async (password: string) => [{ rule: "min_length", label: "12 caractères", met: password.length >= 12 }]);
  });

  it("ticks off the core's rules for the password as it is typed", async () => {
    await act(async () => {
      render(<Form />);
    });
    expect(document.querySelector('#password-rules [data-rule="min_length"]')?.getAttribute("data-met")).toBe("false");
    await type("pw", "assez-long-2026");
    expect(commands.passwordRules).toHaveBeenLastCalledWith("assez-long-2026");
    expect(document.querySelector('#password-rules [data-rule="min_length"]')?.getAttribute("data-met")).toBe("true");
  });

  it("shows the mismatch on the confirmation only once it is typed and differs", async () => {
    await act(async () => {
      render(<Form />);
    });
    await type("pw", "assez-long-2026");
    expect(screen.queryByText(MISMATCH)).toBeNull();
    await type("pw-confirmation", "assez-long");
    expect(screen.getByText(MISMATCH).id).toBe("pw-confirmation-desc-error");
    expect(byId("pw-confirmation").closest(".fr-input-group")?.classList.contains("fr-input-group--error")).toBe(true);
    await type("pw-confirmation", "assez-long-2026");
    expect(screen.queryByText(MISMATCH)).toBeNull();
  });

  it("names the confirmation after the password field", async () => {
    await act(async () => {
      render(<Form />);
    });
    expect(screen.getByLabelText("Nouveau mot de passe").id).toBe("pw");
    expect(screen.getByLabelText("Confirmer le nouveau mot de passe").id).toBe("pw-confirmation");
  });

  it("does not count an empty confirmation as differing", () => {
    expect(confirmationDiffers("assez-long-2026", "")).toBe(false);
    expect(confirmationDiffers("assez-long-2026", "autre")).toBe(true);
    expect(confirmationDiffers("assez-long-2026", "assez-long-2026")).toBe(false);
  });
});
