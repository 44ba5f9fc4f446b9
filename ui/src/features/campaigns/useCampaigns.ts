// The campaigns screen's data and actions: the list, asked again every second while the screen
// is open; the dry run; start, pause, resume, cancel and the CSV report.
import { useCallback, useEffect, useState } from "react";
import { commands, type CampaignAction, type CampaignPlan, type CampaignStatus, type PlanInput } from "../../bindings";
import { exported, messageOf, unwrap } from "../../lib/result";

/** The sender sends several messages a second: the list follows it closely. */
export const EVERY_MS = 1000;

export type Message = { ok: boolean; text: string };

const DONE: Record<Exclude<CampaignAction, "start">, string> = {
  pause: "mise en pause",
  resume: "reprise",
  cancel: "annulée",
};

export function useCampaigns() {
  const [campaigns, setCampaigns] = useState<CampaignStatus[] | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [revision, setRevision] = useState(0);
  const [plan, setPlan] = useState<CampaignPlan | null>(null);
  const [planMessage, setPlanMessage] = useState<Message | null>(null);
  const [listMessage, setListMessage] = useState<Message | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let current = true;
    // A slow answer is not asked again before it comes.
    let asking = false;
    const ask = () => {
      if (asking) return;
      asking = true;
      unwrap(commands.campaigns())
        .then((found) => {
          if (!current) return;
          setCampaigns(found);
          setListError(null);
        })
        .catch((failure: unknown) => current && setListError(messageOf(failure)))
        .finally(() => {
          asking = false;
        });
    };
    ask();
    const timer = window.setInterval(ask, EVERY_MS);
    return () => {
      current = false;
      window.clearInterval(timer);
    };
  }, [revision]);
  const reload = useCallback(() => setRevision((r) => r + 1), []);

  /** Runs one action at a time, its outcome in `say`, and reads the list again. */
  async function run(say: (message: Message) => void, action: () => Promise<string>) {
    setBusy(true);
    try {
      say({ ok: true, text: await action() });
    } catch (failure) {
      say({ ok: false, text: messageOf(failure) });
    } finally {
      setBusy(false);
      reload();
    }
  }

  const makePlan = (input: PlanInput) => {
    setPlan(null);
    setPlanMessage(null);
    return run(setPlanMessage, async () => {
      const found = await unwrap(commands.planCampaign(input));
      setPlan(found);
      return `Campagne n°\u00a0${found.campaign} préparée\u00a0: rien n’est envoyé avant son lancement.`;
    });
  };

  /** Starts the plan just made, or a planned campaign of the list. */
  const start = (campaign: number, rate: number) => {
    const fromPlan = plan?.campaign === campaign;
    return run(fromPlan ? setPlanMessage : setListMessage, async () => {
      await unwrap(commands.startCampaign(campaign, rate));
      if (fromPlan) setPlan(null);
      return `Campagne n°\u00a0${campaign} lancée à ${rate}\u00a0messages par minute.`;
    });
  };

  const change = (campaign: number, action: Exclude<CampaignAction, "start">) =>
    run(setListMessage, async () => {
      await unwrap(commands.changeCampaign(campaign, action));
      return `Campagne n°\u00a0${campaign} ${DONE[action]}.`;
    });

  const exportCsv = async (campaign: number) =>
    setListMessage(await exported(commands.exportCampaignCsv(campaign), `Compte rendu de la campagne n°\u00a0${campaign} exporté`));

  return { campaigns, listError, plan, planMessage, listMessage, busy, makePlan, start, change, exportCsv };
}
