// An establishment's page and what an agent does on it: attach an address, change the principal
// address, detach one; each confirmed first, then saved as one change, then listed in the
// timeline. Other agents' changes reload the page.
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Checkbox } from "@codegouvfr/react-dsfr/Checkbox";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { listen } from "@tauri-apps/api/event";
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { CHANGE_EVENT, commands, type Agent, type Change, type Establishment } from "../../bindings";
import { refusalOf } from "../../lib/grant";
import { Pending } from "../../lib/Pending";
import { CommandFailure, messageOf, unwrap } from "../../lib/result";
import { EstablishmentView } from "./EstablishmentView";
import { AddressPanel } from "../links/AddressPanel";
import type { PaletteCommand } from "../palette/palette";
import { usePaletteCommands } from "../palette/registry";
import { Timeline } from "./Timeline";

type Props = { uai: string; agent: Agent; onBack: () => void };

type Loaded = { uai: string; establishment: Establishment } | { uai: string; error: string };

/** An action waiting for the agent's confirmation. */
type Pending =
  | { kind: "attach"; email: string; principal: boolean; warning: string | null }
  | { kind: "principal"; email: string }
  | { kind: "detach"; email: string; principal: boolean; replacement: string };

export function concerns(change: Change, establishment: Establishment): boolean {
  switch (change.entity) {
    case "establishment":
    case "attachment":
      return change.key === establishment.uai;
    case "account":
    case "reset":
      return establishment.addresses.some((address) => address.account_id === change.key);
  }
}

export function EstablishmentPage({ uai, agent, onBack }: Props) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [revision, setRevision] = useState(0);
  const [email, setEmail] = useState("");
  const [principal, setPrincipal] = useState(false);
  const [note, setNote] = useState("");
  const [pending, setPending] = useState<Pending | null>(null);
  const [outcome, setOutcome] = useState<{ ok: boolean; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [openAddress, setOpenAddress] = useState<string | null>(null);
  const refused = refusalOf(agent.permissions.edit_addresses);
  const canEdit = refused === undefined;
  const reload = useCallback(() => setRevision((r) => r + 1), []);

  useEffect(() => {
    let current = true;
    unwrap(commands.establishment(uai))
      .then((establishment) => current && setLoaded({ uai, establishment }))
      .catch((error: unknown) => current && setLoaded({ uai, error: messageOf(error) }));
    return () => {
      current = false;
    };
  }, [uai, revision]);

  const shown = loaded?.uai === uai ? loaded : null;
  const establishment = shown && "establishment" in shown ? shown.establishment : null;

  useEffect(() => {
    if (!establishment) return;
    const unlisten = listen<Change>(CHANGE_EVENT, (event) => concerns(event.payload, establishment) && reload());
    return () => {
      unlisten.then((stop) => stop());
    };
  }, [establishment, reload]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      if (pending) setPending(null);
      else onBack();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onBack, pending]);

  const ask = (next: Pending) => {
    setOutcome(null);
    setPending(next);
  };
  const askDetach = (email: string, principal: boolean) => {
    const other = establishment?.addresses.find((a) => a.email !== email);
    ask({ kind: "detach", email, principal, replacement: other?.email ?? "" });
  };
  usePaletteCommands(
    establishment
      ? [
          {
            id: "attach",
            group: "Établissement",
            label: "Ajouter ou rattacher une adresse",
            keywords: "nouvelle adresse association",
            refused,
            run: () => document.getElementById("attach-email")?.focus(),
          },
          ...establishment.addresses.flatMap((address): PaletteCommand[] => [
            {
              id: `links-${address.account_id}`,
              group: "Adresse",
              label: `Liens et état de ${address.email}`,
              keywords: "initialisation envoyer lien",
              run: () => setOpenAddress(address.email),
            },
            ...(address.principal
              ? []
              : [{ id: `principal-${address.account_id}`, group: "Établissement", label: `Rendre principale ${address.email}`, keywords: "adresse principale changer", refused, run: () => ask({ kind: "principal", email: address.email }) }]),
            { id: `detach-${address.account_id}`, group: "Établissement", label: `Détacher ${address.email}`, keywords: "retirer enlever", refused, run: () => askDetach(address.email, address.principal) },
          ]),
          { id: "timeline", group: "Établissement", label: "Voir l’historique de l’établissement", keywords: "chronologie journal", run: () => document.getElementById("timeline")?.scrollIntoView() },
          { id: "back", group: "Établissement", label: "Retour à la recherche", shortcut: "Échap", run: onBack },
        ]
      : [],
  );

  async function confirm() {
    if (!pending || !establishment) return;
    setBusy(true);
    const version = establishment.version;
    const noteOrNull = note.trim() === "" ? null : note;
    try {
      const done = await unwrap(
        pending.kind === "attach"
          ? commands.attach(pending.email, [establishment.uai], pending.principal, version, noteOrNull)
          : pending.kind === "principal"
            ? commands.setPrincipal(establishment.uai, pending.email, version, noteOrNull)
            : commands.detach(pending.email, establishment.uai, pending.principal ? pending.replacement : null, version, noteOrNull),
      );
      setOutcome({ ok: true, message: done.message });
      if (pending.kind === "attach") {
        setEmail("");
        setPrincipal(false);
      }
      setNote("");
      setPending(null);
    } catch (failure) {
      setOutcome({ ok: false, message: messageOf(failure) });
      // On a conflict the page reloads with the other agent's change; the form keeps its input.
      if (failure instanceof CommandFailure && failure.kind === "conflict") setPending(null);
    } finally {
      setBusy(false);
      reload();
    }
  }

  async function askAttach(event: FormEvent) {
    event.preventDefault();
    setOutcome(null);
    // The address as it will be saved (trimmed, domain in lower case), or why it cannot be.
    try {
      const checked = await unwrap(commands.normaliseEmail(email));
      setPending({ kind: "attach", email: checked.email, principal, warning: checked.warning });
    } catch (failure) {
      setOutcome({ ok: false, message: messageOf(failure) });
    }
  }

  return (
    <section>
      <Button priority="tertiary no outline" iconId="fr-icon-arrow-left-line" onClick={onBack} title="Revenir à la recherche (Échap)" id="back-to-search">
        Retour à la recherche
      </Button>
      {shown === null && <Pending label={`Ouverture de l’établissement ${uai}…`} />}
      {shown && "error" in shown && <Alert className="fr-mt-4w" severity="error" title="Établissement introuvable" description={shown.error} />}
      {establishment && (
        <>
          <EstablishmentView
            establishment={establishment}
            rowActions={(address) => (
              <div className="guichet-row-actions">
                <Button
                  size="small"
                  priority="secondary"
                  title={`État et liens d’initialisation de ${address.email}`}
                  nativeButtonProps={{ "data-action": "links" }}
                  onClick={() => setOpenAddress(address.email)}
                >
                  Liens
                </Button>
                {!address.principal && (
                  <Button
                    size="small"
                    priority="tertiary"
                    disabled={!canEdit}
                    title={canEdit ? `Faire de ${address.email} l’adresse principale` : refused}
                    nativeButtonProps={{ "data-action": "principal" }}
                    onClick={() => ask({ kind: "principal", email: address.email })}
                  >
                    Rendre principale
                  </Button>
                )}
                <Button
                  size="small"
                  priority="tertiary"
                  disabled={!canEdit}
                  title={canEdit ? `Détacher ${address.email}` : refused}
                  nativeButtonProps={{ "data-action": "detach" }}
                  onClick={() => askDetach(address.email, address.principal)}
                >
                  Détacher
                </Button>
              </div>
            )}
          />
          {openAddress && establishment.addresses.some((a) => a.email === openAddress) && (
            <AddressPanel email={openAddress} agent={agent} note={note} onClose={() => setOpenAddress(null)} />
          )}
          {outcome && (
            <Alert severity={outcome.ok ? "success" : "error"} small description={outcome.message} className="fr-mt-2w" id="action-outcome" />
          )}
          {pending && (
            <ConfirmBox
              pending={pending}
              establishment={establishment}
              busy={busy}
              onReplacement={(replacement) => pending.kind === "detach" && setPending({ ...pending, replacement })}
              onConfirm={confirm}
              onCancel={() => setPending(null)}
            />
          )}
          <form onSubmit={askAttach} className="guichet-narrow fr-mt-4w" aria-labelledby="attach-title">
            <h2 id="attach-title" className="fr-h5">
              Ajouter ou rattacher une adresse
            </h2>
            {refused !== undefined && <p className="fr-text--sm guichet-refusal" id="edit-refused">{refused}</p>}
            <Input
              label="Adresse électronique"
              hintText="Une adresse absente de la base y est ajoutée, puis rattachée à cet établissement."
              disabled={!canEdit}
              nativeInputProps={{ id: "attach-email", value: email, onChange: (e) => setEmail(e.target.value), required: true, autoComplete: "off", spellCheck: false }}
            />
            <Checkbox
              id="attach-principal"
              disabled={!canEdit}
              options={[
                {
                  label: "En faire l’adresse principale de l’établissement",
                  nativeInputProps: { checked: principal, onChange: (e) => setPrincipal(e.target.checked) },
                },
              ]}
            />
            <Input
              label="Note de l’appel (facultative)"
              hintText={"Par exemple\u00a0: appel du secrétariat, M. Martin. Elle figure au journal."}
              disabled={!canEdit}
              nativeInputProps={{ id: "call-note", value: note, onChange: (e) => setNote(e.target.value) }}
            />
            <Button type="submit" disabled={!canEdit || email.trim() === ""} id="attach-submit" title={refused}>
              Rattacher…
            </Button>
          </form>
          <Timeline uai={establishment.uai} revision={revision} />
        </>
      )}
    </section>
  );
}

type ConfirmProps = {
  pending: Pending;
  establishment: Establishment;
  busy: boolean;
  onReplacement: (email: string) => void;
  onConfirm: () => void;
  onCancel: () => void;
};

function ConfirmBox({ pending, establishment, busy, onReplacement, onConfirm, onCancel }: ConfirmProps) {
  const target = `${establishment.name} (${establishment.uai})`;
  const question =
    pending.kind === "attach"
      ? `Rattacher «\u00a0${pending.email}\u00a0» à ${target}${pending.principal ? " et en faire l’adresse principale" : ""}\u00a0?`
      : pending.kind === "principal"
        ? `Faire de «\u00a0${pending.email}\u00a0» l’adresse principale de ${target}\u00a0?`
        : `Détacher «\u00a0${pending.email}\u00a0» de ${target}\u00a0?`;
  const others = establishment.addresses.filter((address) => address.email !== pending.email);
  return (
    <div className="fr-callout fr-mt-2w" role="alertdialog" aria-labelledby="confirm-question" id="confirm-box">
      {pending.kind === "attach" && pending.warning && (
        <Alert severity="warning" small description={pending.warning} className="fr-mb-2w" id="confirm-warning" />
      )}
      <p className="fr-callout__text" id="confirm-question">
        {question}
      </p>
      {pending.kind === "detach" && pending.principal && (
        <Select
          label={"C’est l’adresse principale\u00a0: choisissez celle qui la remplace"}
          nativeSelectProps={{ id: "replacement-select", value: pending.replacement, onChange: (e) => onReplacement(e.target.value) }}
        >
          {others.length === 0 && <option value="">Aucune autre adresse rattachée</option>}
          {others.map((address) => (
            <option key={address.account_id} value={address.email}>
              {address.email}
            </option>
          ))}
        </Select>
      )}
      <div className="guichet-lock__actions">
        <Button onClick={onConfirm} disabled={busy} id="confirm-action" nativeButtonProps={{ autoFocus: true }}>
          {busy ? "Enregistrement…" : "Confirmer"}
        </Button>
        <Button priority="secondary" onClick={onCancel}>
          Annuler
        </Button>
      </div>
    </div>
  );
}
