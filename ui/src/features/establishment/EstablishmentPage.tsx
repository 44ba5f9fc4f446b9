// An establishment's page: who it is, the address it signs in with, every attached address.
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { useEffect, useState } from "react";
import { commands, type Establishment } from "../../bindings";
import { messageOf, unwrap } from "../../lib/result";
import { EstablishmentView } from "./EstablishmentView";

type Props = { uai: string; onBack: () => void };

type Loaded = { uai: string; establishment: Establishment } | { uai: string; error: string };

export function EstablishmentPage({ uai, onBack }: Props) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);

  useEffect(() => {
    let current = true;
    unwrap(commands.establishment(uai))
      .then((establishment) => current && setLoaded({ uai, establishment }))
      .catch((error: unknown) => current && setLoaded({ uai, error: messageOf(error) }));
    return () => {
      current = false;
    };
  }, [uai]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => event.key === "Escape" && onBack();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onBack]);

  const shown = loaded?.uai === uai ? loaded : null;

  return (
    <section>
      <Button
        priority="tertiary no outline"
        iconId="fr-icon-arrow-left-line"
        onClick={onBack}
        title="Revenir à la recherche (Échap)"
        id="back-to-search"
      >
        Retour à la recherche
      </Button>
      {shown === null && (
        <p className="fr-mt-4w" role="status">
          <Badge noIcon severity="info">Chargement</Badge> Ouverture de l’établissement {uai}…
        </p>
      )}
      {shown && "error" in shown && <Alert className="fr-mt-4w" severity="error" title="Établissement introuvable" description={shown.error} />}
      {shown && "establishment" in shown && <EstablishmentView establishment={shown.establishment} />}
    </section>
  );
}
