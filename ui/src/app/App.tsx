// The window: the State's header, the database the app works on, and the current screen.
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Header } from "@codegouvfr/react-dsfr/Header";
import { useCallback, useEffect, useState } from "react";
import { commands, type AppStatus } from "../bindings";
import { EstablishmentPage } from "../features/establishment/EstablishmentPage";
import { SearchPage } from "../features/search/SearchPage";
import { messageOf, unwrap } from "../lib/result";

type Screen = { name: "search" } | { name: "establishment"; uai: string };

type Startup = { state: "opening" } | { state: "ready"; status: AppStatus } | { state: "failed"; message: string };

export function App() {
  const [startup, setStartup] = useState<Startup>({ state: "opening" });
  const [screen, setScreen] = useState<Screen>({ name: "search" });
  const [query, setQuery] = useState("");

  useEffect(() => {
    unwrap(commands.appStatus())
      .then((status) => setStartup({ state: "ready", status }))
      .catch((error: unknown) => setStartup({ state: "failed", message: messageOf(error) }));
  }, []);

  const openEstablishment = useCallback((uai: string) => setScreen({ name: "establishment", uai }), []);
  const backToSearch = useCallback(() => setScreen({ name: "search" }), []);

  return (
    <>
      <Header
        brandTop={
          <>
            République
            <br />
            Française
          </>
        }
        homeLinkProps={{ href: "#", title: "Accueil — Guichet SIEC", onClick: backToSearch }}
        serviceTitle="Guichet SIEC"
        serviceTagline="Maison des examens — assistance aux établissements"
        quickAccessItems={[<DatabaseIndicator key="database" startup={startup} />]}
      />
      <main id="main" className="fr-container fr-py-4w" tabIndex={-1}>
        {startup.state === "failed" && (
          <Alert
            severity="error"
            title="Le Guichet ne peut pas ouvrir la base de données"
            description={startup.message}
            id="startup-error"
          />
        )}
        {startup.state !== "failed" && screen.name === "search" && (
          <SearchPage query={query} onQueryChange={setQuery} onOpen={openEstablishment} />
        )}
        {startup.state !== "failed" && screen.name === "establishment" && (
          <EstablishmentPage uai={screen.uai} onBack={backToSearch} />
        )}
      </main>
    </>
  );
}

function DatabaseIndicator({ startup }: { startup: Startup }) {
  const label =
    startup.state === "opening"
      ? "Ouverture de la base…"
      : startup.state === "failed"
        ? "Base indisponible"
        : startup.status.demo
          ? "Base de démonstration"
          : startup.status.backend === "postgres"
            ? "Base PostgreSQL"
            : "Base SQLite";
  return (
    <p className="fr-text--sm fr-mb-0 guichet-database" id="database-indicator" role="status">
      <span className="fr-icon-computer-line fr-icon--sm fr-mr-1v" aria-hidden="true" />
      {label}
    </p>
  );
}
