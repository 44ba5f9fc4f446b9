// The core decides what each role allows and sends it with the agent (`agent.permissions`); the
// window must not decide it again from the role's name. Showing or choosing a role is fine.
import { describe, expect, it } from "vitest";

const ROLE = `["'\`](?:lecture|agent|superviseur|envoi)["'\`]`;

/** Ways of deciding from a role's name: comparing with one, switching or looking one up in a list. */
const ROLE_RULES: readonly RegExp[] = [
  new RegExp(`[!=]==?\\s*${ROLE}`),
  new RegExp(`${ROLE}\\s*[!=]==?`),
  /\bswitch\s*\([^)]*role\s*\)/i,
  /\.(?:includes|has)\(\s*[\w?.]*role\s*\)/i,
];

function roleRules(source: string): string[] {
  return source.split("\n").filter((line) => ROLE_RULES.some((rule) => rule.test(line)));
}

// Every source of the window but the generated bindings and the tests.
const sources = import.meta.glob<string>(["./**/*.{ts,tsx}", "!./**/*.test.{ts,tsx}", "!./bindings.ts"], {
  query: "?raw",
  import: "default",
  eager: true,
});

describe("the window decides nothing from role names", () => {
  it("reads every source file", () => {
    const files = Object.keys(sources);
    expect(files).toContain("./app/App.tsx");
    expect(files).toContain("./features/establishment/EstablishmentPage.tsx");
    expect(files).toContain("./features/links/AddressPanel.tsx");
    expect(files).not.toContain("./bindings.ts");
  });

  it("compares no role name anywhere", () => {
    const found = Object.entries(sources).flatMap(([file, source]) => roleRules(source).map((line) => `${file}: ${line.trim()}`));
    expect(found).toEqual([]);
  });

  it("recognises the rules it forbids, and lets roles be shown and chosen", () => {
    for (const rule of [
      'const canEdit = agent.role !== "lecture";',
      'const supervisor = agent?.role === "superviseur";',
      "if ('agent' === me.role) return;",
      "switch (agent.role) {",
      '["agent", "superviseur"].includes(agent.role)',
    ])
      expect(roleRules(rule), rule).toEqual([rule]);
    for (const fine of [
      "{agent.display_name} · {ROLE_LABELS[agent.role]}",
      'const [role, setRole] = useState<Role>("agent");',
      'if (change.kind === "role") {',
      'screen.name === "agents"',
      "const canEdit = refused === undefined;",
    ])
      expect(roleRules(fine), fine).toEqual([]);
  });
});
