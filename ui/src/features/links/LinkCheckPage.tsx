// "Mon lien ne marche pas": the agent pastes what the caller reads out or forwards, and learns
// whether it is valid, expired, replaced, used, unknown, altered or not a link at all (or, for a
// request the portal made itself, that only the portal can tell).
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { useState, type FormEvent } from "react";
import { commands, type LinkCheck, type LinkVerdict } from "../../bindings";
import { useRequiredFields } from "../../lib/required";
import { messageOf, unwrap } from "../../lib/result";

const TITLES: Record<LinkVerdict, string> = {
  valid: "Lien valable",
  expired: "Lien expiré",
  replaced: "Lien remplacé",
  used: "Lien déjà utilisé",
  unknown: "Lien inconnu",
  altered: "Lien altéré",
  malformed: "Lien incomplet",
  portal_only: "Demande faite sur le portail",
  other_site: "Lien d’un autre site",
};

const SEVERITY: Record<LinkVerdict, "success" | "warning" | "error" | "info"> = {
  valid: "success",
  expired: "warning",
  replaced: "warning",
  used: "info",
  unknown: "error",
  altered: "error",
  malformed: "error",
  portal_only: "info",
  other_site: "error",
};

type Props = { onOpenAddress: (email: string) => void };

export function LinkCheckPage({ onOpenAddress }: Props) {
  const [input, setInput] = useState("");
  const [check, setCheck] = useState<LinkCheck | null>(null);
  const [error, setError] = useState<string | null>(null);
  const required = useRequiredFields({ "link-input": { value: input, message: "Collez le lien ou le code que le correspondant a reçu." } });

  // A verdict speaks of the link it checked: editing the field takes it away.
  function edit(value: string) {
    setInput(value);
    setCheck(null);
    setError(null);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    if (!required.check()) return;
    try {
      setCheck(await unwrap(commands.checkLink(input)));
    } catch (failure) {
      setCheck(null);
      setError(messageOf(failure));
    }
  }

  return (
    <section aria-labelledby="check-title" className="guichet-narrow-wide">
      <h1 id="check-title" className="fr-h3">
        Vérifier un lien
      </h1>
      <form onSubmit={submit} id="link-check-form" noValidate>
        <Input
          textArea
          label="Lien ou code reçu par le correspondant"
          {...required.stateOf("link-input")}
          hintText={"Collez le lien entier, même coupé sur plusieurs lignes par la messagerie, ou les 40 caractères qui suivent «\u00a0/reset-password/reset/\u00a0»."}
          nativeTextAreaProps={{ id: "link-input", required: true, rows: 4, value: input, onChange: (e) => edit(e.target.value), autoFocus: true, spellCheck: false }}
        />
        <Button type="submit" id="check-submit">
          Vérifier
        </Button>
      </form>
      {error && <Alert className="fr-mt-2w" severity="error" small description={error} />}
      {check && (
        <div className="fr-mt-4w" id="link-verdict" data-verdict={check.verdict}>
          <Alert severity={SEVERITY[check.verdict]} title={TITLES[check.verdict]} description={check.message} />
          {check.email && (
            <p className="fr-mt-2w">
              Envoyé à <strong>{check.email}</strong>.{" "}
              <Button priority="tertiary" size="small" id="open-address" onClick={() => check.email && onOpenAddress(check.email)}>
                Voir ses liens
              </Button>
            </p>
          )}
        </div>
      )}
    </section>
  );
}
