import { act, fireEvent, render } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Agent, CampaignState, CampaignStatus } from "../../bindings";
import { agentOf } from "../../test/agents";
import { byId } from "../../test/dom";

const commands = vi.hoisted(() => ({
  academies: vi.fn(),
  planCampaign: vi.fn(),
  startCampaign: vi.fn(),
  changeCampaign: vi.fn(),
  campaigns: vi.fn(),
  exportCampaignCsv: vi.fn(),
}));
vi.mock("../../bindings", () => ({ commands }));

import { formatDuration } from "./campaign";
import { CampaignsPage } from "./CampaignsPage";

const ok = <T,>(data: T) => Promise.resolve({ status: "ok" as const, data });

function campaign(n: number, state: CampaignState, overrides: Partial<CampaignStatus> = {}): CampaignStatus {
  return {
    campaign: n,
    state,
    sent: 0,
    failed: 0,
    remaining: 10,
    dropped: 0,
    to_send: 10,
    skipped: 2,
    rate_per_minute: state === "preparee" ? null : 60,
    created_at: "2026-12-01T09:00:00Z",
    started_at: state === "preparee" ? null : "2026-12-01T09:05:00Z",
    seconds_left: null,
    ...overrides,
  };
}

const PLAN = {
  campaign: 7,
  to_send: 12,
  skipped: [
    { uai: "0750655E", email: null, reason: "sans-adresse" as const },
    { uai: "0931234A", email: "ce.0931234a@ac-creteil.fr", reason: "lien-recent" as const },
    { uai: "0941234B", email: "ce.0941234b@ac-creteil.fr", reason: "adresse-rejetee" as const },
  ],
};

async function show(agent: Agent = agentOf("superviseur")) {
  return act(async () => render(<CampaignsPage agent={agent} />));
}

function button(id: string): HTMLButtonElement {
  return byId(id) as HTMLButtonElement;
}

describe("the « Campagnes d’envoi »", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    commands.academies.mockResolvedValue(["Créteil", "Paris"]);
    commands.campaigns.mockImplementation(() => ok([]));
    commands.planCampaign.mockImplementation(() => ok(PLAN));
    commands.startCampaign.mockImplementation(() => ok(campaign(7, "en-cours")));
    commands.changeCampaign.mockImplementation(() => ok(campaign(3, "annulee")));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("plans the default states and shows who is skipped and why", async () => {
    await show();
    expect((document.querySelector('#campaign-states input[value="jamais-initialise"]') as HTMLInputElement).checked).toBe(true);
    expect((document.querySelector('#campaign-states input[value="lien-en-attente"]') as HTMLInputElement).checked).toBe(false);
    await act(async () => {
      fireEvent.click(byId("campaign-plan"));
    });
    expect(commands.planCampaign).toHaveBeenCalledWith({
      population: { academies: [], departments: [], kinds: [], sectors: [] },
      states: ["jamais-initialise", "lien-expire"],
    });
    expect(byId("campaign-plan-summary").textContent).toBe("Campagne n°\u00a07\u00a0: 12 liens à envoyer, 3 établissements écartés");
    const row = (uai: string) => document.querySelector(`#campaign-skipped tr[data-uai="${uai}"]`)?.textContent;
    expect(row("0750655E")).toBe("0750655E—Pas d’adresse principale");
    expect(row("0931234A")).toContain("Lien envoyé il y a moins d’une heure");
    expect(row("0941234B")).toContain("Adresse rejetée par le serveur de messagerie");

    await act(async () => {
      fireEvent.change(byId("campaign-rate"), { target: { value: "30" } });
      fireEvent.click(byId("campaign-start"));
    });
    expect(commands.startCampaign).toHaveBeenCalledWith(7, 30);
    expect(byId("campaign-plan-message").textContent).toContain("Campagne n°\u00a07 lancée à 30\u00a0messages par minute.");
  });

  it("shows the core's refusal of a plan", async () => {
    commands.planCampaign.mockImplementation(() =>
      Promise.resolve({ status: "error" as const, error: { kind: "empty_population", message: "Aucun établissement ne correspond à ces filtres." } }),
    );
    await show();
    await act(async () => {
      fireEvent.click(byId("campaign-plan"));
    });
    expect(byId("campaign-plan-message").textContent).toContain("Aucun établissement ne correspond à ces filtres.");
    expect(document.getElementById("campaign-plan-result")).toBeNull();
  });

  it("enables each action only in the states where it applies", async () => {
    const states: CampaignState[] = ["preparee", "en-cours", "en-pause", "annulee", "terminee"];
    commands.campaigns.mockImplementation(() => ok(states.map((state, i) => campaign(i + 1, state))));
    await show();
    const enabled = (n: number) =>
      ["launch", "pause", "resume", "cancel", "export"].filter((action) => {
        const found = document.getElementById(`campaign-${action}-${n}`) as HTMLButtonElement | null;
        return found !== null && !found.disabled;
      });
    expect(enabled(1)).toEqual(["launch", "cancel", "export"]);
    expect(enabled(2)).toEqual(["pause", "cancel", "export"]);
    expect(enabled(3)).toEqual(["resume", "cancel", "export"]);
    expect(enabled(4)).toEqual(["export"]);
    expect(enabled(5)).toEqual(["export"]);
    expect(byId("campaign-state-3").textContent).toBe("En pause");

    await act(async () => {
      fireEvent.click(byId("campaign-pause-2"));
    });
    expect(commands.changeCampaign).toHaveBeenCalledWith(2, "pause");
    await act(async () => {
      fireEvent.click(byId("campaign-launch-1"));
    });
    expect(commands.startCampaign).toHaveBeenCalledWith(1, 60);
  });

  it("cancels only once the agent confirms", async () => {
    commands.campaigns.mockImplementation(() => ok([campaign(3, "en-cours")]));
    await show();
    fireEvent.click(byId("campaign-cancel-3"));
    expect(commands.changeCampaign).not.toHaveBeenCalled();
    fireEvent.click(byId("campaign-cancel-keep-3"));
    expect(document.getElementById("campaign-cancel-confirm-3")).toBeNull();
    fireEvent.click(byId("campaign-cancel-3"));
    await act(async () => {
      fireEvent.click(byId("campaign-cancel-confirm-3"));
    });
    expect(commands.changeCampaign).toHaveBeenCalledWith(3, "cancel");
    expect(byId("campaign-message").textContent).toContain("Campagne n°\u00a03 annulée.");
  });

  it("lets a reader follow and export campaigns, its other actions disabled with the core's reason", async () => {
    commands.campaigns.mockImplementation(() => ok([campaign(2, "en-cours"), campaign(1, "preparee")]));
    const reader = agentOf("lecture");
    const refusal = reader.permissions.run_campaigns.refusal as string;
    await show(reader);
    expect(byId("campaign-refused").textContent).toBe(refusal);
    for (const id of ["campaign-plan", "campaign-pause-2", "campaign-cancel-2", "campaign-launch-1", "campaign-cancel-1"]) {
      expect(button(id).disabled, id).toBe(true);
      expect(button(id).title, id).toBe(refusal);
    }
    expect(button("campaign-export-2").disabled).toBe(false);
  });

  it("shows the progress, the figures and the time left", async () => {
    commands.campaigns.mockImplementation(() => ok([campaign(4, "en-cours", { sent: 5, failed: 1, dropped: 2, remaining: 12, to_send: 20, seconds_left: 125 })]));
    await show();
    const progress = byId("campaign-progress-4") as HTMLProgressElement;
    expect(progress.value).toBe(8);
    expect(progress.max).toBe(20);
    expect(progress.getAttribute("aria-label")).toBe("Progression de la campagne n°\u00a04");
    expect(byId("campaign-figures-4").textContent).toBe("Envoyés 5 · En échec 1 · Restants 12 · Non envoyés 2 · Fin prévue dans 2\u00a0min 05\u00a0s");
  });

  it("reads the list again every second while the screen is open", async () => {
    vi.useFakeTimers();
    const { unmount } = await show();
    expect(commands.campaigns).toHaveBeenCalledTimes(1);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(2000);
    });
    expect(commands.campaigns).toHaveBeenCalledTimes(3);
    unmount();
    await vi.advanceTimersByTimeAsync(3000);
    expect(commands.campaigns).toHaveBeenCalledTimes(3);
  });

  it("exports a campaign's report and says where it went", async () => {
    commands.campaigns.mockImplementation(() => ok([campaign(5, "terminee")]));
    commands.exportCampaignCsv.mockImplementation(() => ok("/home/camille/Téléchargements/campagne-5-guichet.csv"));
    await show();
    await act(async () => {
      fireEvent.click(byId("campaign-export-5"));
    });
    expect(byId("campaign-message").textContent).toContain("dans /home/camille/Téléchargements/campagne-5-guichet.csv.");
  });
});

describe("the time left", () => {
  it("reads in seconds, minutes and seconds, or hours and minutes", () => {
    expect(formatDuration(45)).toBe("45\u00a0s");
    expect(formatDuration(125)).toBe("2\u00a0min 05\u00a0s");
    expect(formatDuration(3600 + 7 * 60 + 30)).toBe("1\u00a0h 07\u00a0min");
  });
});
