import { act, fireEvent, render } from "@testing-library/react";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Agent, Permissions } from "../bindings";
import { PaletteRegistry } from "../features/palette/registry";
import { agentOf, ALLOWED_GRANT, refused } from "../test/agents";
import { byId } from "../test/dom";

const commands = vi.hoisted(() => ({
  appStatus: vi.fn(),
  authStatus: vi.fn(),
  signOut: vi.fn(async () => ({ status: "ok", data: null })),
  sendingStatus: vi.fn(() => new Promise(() => {})),
  search: vi.fn(() => new Promise(() => {})),
  recentEstablishments: vi.fn(async () => ({ status: "ok", data: [] })),
}));
vi.mock("../bindings", () => ({ commands }));
// The theme is the DSFR's, which needs a real window; the screens do not depend on it.
vi.mock("@codegouvfr/react-dsfr/useIsDark", () => ({ useIsDark: () => ({ isDark: false, setIsDark: () => {} }) }));

import { App } from "./App";

const SCREENS = ["journal", "agents", "settings"] as const;

async function signedInAs(agent: Agent) {
  commands.authStatus.mockResolvedValue({ status: "ok", data: { needs_first_supervisor: false, agent } });
  await act(async () => {
    render(
      <PaletteRegistry>
        <App />
      </PaletteRegistry>,
    );
  });
}

/** The screens the menu and the palette offer among the journal, the agents and the settings. */
async function offered(): Promise<{ menu: string[]; palette: string[] }> {
  const menu = SCREENS.filter((name) => document.getElementById(`nav-${name}`) !== null);
  await act(async () => {
    fireEvent.keyDown(window, { key: "k", ctrlKey: true });
  });
  expect(byId("command-palette")).toBeTruthy();
  const palette = SCREENS.filter((name) => document.querySelector(`[data-command="screen-${name}"]`) !== null);
  return { menu, palette };
}

function withGrants(agent: Agent, grants: Partial<Permissions>): Agent {
  return { ...agent, permissions: { ...agent.permissions, ...grants } };
}

describe("the window's screens", () => {
  beforeAll(() => {
    // jsdom has neither modal dialogs nor scrolling; the palette only needs the calls to exist.
    HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
      this.open = true;
    };
    Element.prototype.scrollIntoView ??= () => {};
  });

  beforeEach(() => {
    vi.clearAllMocks();
    commands.appStatus.mockResolvedValue({
      status: "ok",
      data: { backend: "sqlite", mode: "standalone", demo: true, version: "0.1.0", idle_lock_seconds: 600, demo_mail: null },
    });
  });

  it("offers each screen only when the core allows it, whatever the role is called", async () => {
    // A supervisor's role name with the journal and the settings only: each entry follows its own grant.
    await signedInAs(withGrants(agentOf("superviseur"), { manage_agents: refused("Refus d’essai des agents.") }));
    expect(await offered()).toEqual({ menu: ["journal", "settings"], palette: ["journal", "settings"] });
  });

  it("offers the agents screen alone to an agent the core lets manage agents", async () => {
    await signedInAs(withGrants(agentOf("lecture"), { manage_agents: ALLOWED_GRANT }));
    expect(await offered()).toEqual({ menu: ["agents"], palette: ["agents"] });
  });

  it("offers a supervisor every screen", async () => {
    await signedInAs(agentOf("superviseur"));
    expect(await offered()).toEqual({ menu: [...SCREENS], palette: [...SCREENS] });
  });

  it("offers the campaigns to every role, to follow them", async () => {
    await signedInAs(agentOf("lecture"));
    expect(byId("nav-campaigns").textContent).toBe("Campagnes");
    await offered();
    expect(document.querySelector('[data-command="screen-campaigns"]')).not.toBeNull();
  });

  it("offers an agent none of the supervisor's screens", async () => {
    await signedInAs(agentOf("agent"));
    expect(await offered()).toEqual({ menu: [], palette: [] });
  });
});
