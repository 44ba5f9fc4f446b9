import { describe, expect, it } from "vitest";
import { fold, matchCommands, type PaletteCommand } from "./palette";

const noop = () => undefined;
const commands: PaletteCommand[] = [
  { id: "search", label: "Rechercher un établissement", group: "Écran", shortcut: "/", run: noop },
  { id: "check", label: "Vérifier un lien", group: "Écran", run: noop },
  { id: "principal", label: "Rendre principale contact@ac-lyon.fr", group: "Établissement", keywords: "adresse principale", run: noop },
  { id: "theme", label: "Thème sombre", group: "Affichage", keywords: "couleurs nuit", run: noop },
  { id: "attach", label: "Rattacher une adresse", group: "Établissement", run: noop },
  { id: "links", label: "Liens de contact@ac-lyon.fr", group: "Adresse", run: noop },
];

const ids = (typed: string) => matchCommands(commands, typed).map((command) => command.id);

describe("matchCommands", () => {
  it("lists everything, in the given order, before anything is typed", () => {
    expect(ids("")).toEqual(["search", "check", "principal", "theme", "attach", "links"]);
    expect(ids("   ")).toEqual(["search", "check", "principal", "theme", "attach", "links"]);
  });

  it("finds words without their accents and in any order", () => {
    expect(ids("verifier")).toEqual(["check"]);
    expect(ids("lien VÉRIF")).toEqual(["check"]);
    expect(ids("etab")).toEqual(["search", "principal", "attach"]);
  });

  it("finds by keyword and by the address in the label", () => {
    expect(ids("nuit")).toEqual(["theme"]);
    expect(ids("ac-lyon")).toEqual(["principal", "links"]);
    expect(ids("lyon")).toEqual(["principal", "links"]);
    expect(ids("adresse")).toEqual(["principal", "attach", "links"]);
  });

  it("puts the commands whose label starts with the text first", () => {
    expect(ids("lien")).toEqual(["links", "check"]);
  });

  it("needs every word to begin a word: inner letters do not match", () => {
    expect(ids("cherch")).toEqual([]);
    expect(ids("lien zzz")).toEqual([]);
  });
});

describe("fold", () => {
  it("drops accents, case and curly apostrophes", () => {
    expect(fold("Élève d’ÉCOLE")).toBe("eleve d'ecole");
  });
});
