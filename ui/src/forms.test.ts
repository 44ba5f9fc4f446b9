// No message of the browser's own in the window: its built-in validation speaks the PC's language
// (« Fill out this field » on an English Windows). Every form checks its fields itself.
import { describe, expect, it } from "vitest";

// Every source of the window but the tests.
const sources = import.meta.glob<string>(["./**/*.tsx", "!./**/*.test.tsx"], { query: "?raw", import: "default", eager: true });

/** The opening tags of the forms of a source, whole (they may span lines). */
function forms(source: string): string[] {
  return source.match(/<form\b[^>]*>/g) ?? [];
}

describe("every form validates itself", () => {
  it("finds the forms of the screens", () => {
    const all = Object.values(sources).flatMap(forms);
    expect(all.length).toBeGreaterThanOrEqual(13);
    expect(Object.keys(sources)).toContain("./features/auth/SignInPage.tsx");
  });

  it("turns the browser's validation off on every form", () => {
    const found = Object.entries(sources).flatMap(([file, source]) => forms(source).filter((tag) => !/\bnoValidate\b/.test(tag)).map((tag) => `${file}: ${tag}`));
    expect(found).toEqual([]);
  });

  it("tells a form that validates itself from one that does not", () => {
    expect(forms('<form onSubmit={submit}\n id="a">').filter((tag) => !/\bnoValidate\b/.test(tag))).toHaveLength(1);
    expect(forms("<form noValidate onSubmit={submit}>").filter((tag) => !/\bnoValidate\b/.test(tag))).toHaveLength(0);
  });
});
