// The window: the State's header, who is signed in, and the current screen.
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Header } from "@codegouvfr/react-dsfr/Header";
import { Notice } from "@codegouvfr/react-dsfr/Notice";
import { useIsDark } from "@codegouvfr/react-dsfr/useIsDark";
import { useCallback, useEffect, useRef, useState } from "react";
import { commands, type Agent, type AppStatus } from "../bindings";
import { ChangePasswordPage } from "../features/account/ChangePasswordPage";
import { AgentsPage } from "../features/agents/AgentsPage";
import { AnnuairePage } from "../features/annuaire/AnnuairePage";
import { LockScreen, useIdleLock } from "../features/auth/LockScreen";
import { FirstSupervisorPage, SignInPage } from "../features/auth/SignInPage";
import { CampaignsPage } from "../features/campaigns/CampaignsPage";
import { EstablishmentPage } from "../features/establishment/EstablishmentPage";
import { InitialisationPage } from "../features/initialisation/InitialisationPage";
import { JournalPage } from "../features/journal/JournalPage";
import { AddressPanel } from "../features/links/AddressPanel";
import { LinkCheckPage } from "../features/links/LinkCheckPage";
import { SendingBanner } from "../features/links/SendingBanner";
import { CommandPalette } from "../features/palette/CommandPalette";
import { HelpPanel } from "../features/palette/HelpPanel";
import type { PaletteCommand } from "../features/palette/palette";
import { usePaletteRegistry } from "../features/palette/registry";
import { isTyping } from "../features/palette/shortcuts";
import { recentCommands } from "../features/recent/recent";
import { useRecentEstablishments } from "../features/recent/useRecentEstablishments";
import { SearchPage } from "../features/search/SearchPage";
import { SettingsPage } from "../features/settings/SettingsPage";
import { ROLE_LABELS } from "../lib/format";
import { messageOf, onSessionEnded, onSessionLocked, unwrap } from "../lib/result";

export type Screen =
  | { name: "search" }
  | { name: "establishment"; uai: string; email?: string }
  | { name: "address"; email: string }
  | { name: "check-link" }
  | { name: "initialisation" }
  | { name: "campaigns" }
  | { name: "journal" }
  | { name: "settings" }
  | { name: "agents" }
  | { name: "annuaire" }
  | { name: "password" };

type Startup = { state: "opening" } | { state: "ready"; status: AppStatus } | { state: "failed"; message: string };

type Auth =
  | { state: "checking" }
  | { state: "first-supervisor" }
  | { state: "signed-out"; notice?: string }
  | { state: "signed-in"; agent: Agent };

export function App() {
  const [startup, setStartup] = useState<Startup>({ state: "opening" });
  const [auth, setAuth] = useState<Auth>({ state: "checking" });
  const [locked, setLocked] = useState(false);
  const [screen, setScreen] = useState<Screen>({ name: "search" });
  const [query, setQuery] = useState("");
  // The establishment last shown: where the agent came from, the caller's most likely.
  const [lastEstablishment, setLastEstablishment] = useState<string | null>(null);
  const [overlay, setOverlay] = useState<"palette" | "help" | null>(null);
  const registry = usePaletteRegistry();
  const { setIsDark } = useIsDark();
  const main = useRef<HTMLElement>(null);

  useEffect(() => {
    unwrap(commands.appStatus())
      .then((status) => {
        setStartup({ state: "ready", status });
        return unwrap(commands.authStatus());
      })
      .then((status) =>
        setAuth(
          status.agent
            ? { state: "signed-in", agent: status.agent }
            : status.needs_first_supervisor
              ? { state: "first-supervisor" }
              : { state: "signed-out" },
        ),
      )
      .catch((error: unknown) => setStartup({ state: "failed", message: messageOf(error) }));
  }, []);

  const signedIn = useCallback((agent: Agent) => {
    setAuth({ state: "signed-in", agent });
    setLocked(false);
  }, []);
  const signOut = useCallback(() => {
    void commands.signOut();
    setAuth({ state: "signed-out" });
    setLocked(false);
    setScreen({ name: "search" });
    setQuery("");
    setLastEstablishment(null);
  }, []);
  const lock = useCallback(() => setLocked(true), []);
  // A supervisor disabled this agent, or took its role away: whatever it was doing, the
  // window signs it out and says why.
  useEffect(() => {
    onSessionEnded((message) => {
      void commands.signOut();
      setAuth({ state: "signed-out", notice: message });
      setLocked(false);
      setScreen({ name: "search" });
      setQuery("");
      setLastEstablishment(null);
    });
    return () => onSessionEnded(null);
  }, []);
  // The core locks an idle session itself: whichever command hears it first shows the lock.
  useEffect(() => {
    onSessionLocked(() => setLocked(true));
    return () => onSessionLocked(null);
  }, []);
  const idleSeconds = startup.state === "ready" ? startup.status.idle_lock_seconds : 600;
  useIdleLock(idleSeconds, auth.state === "signed-in" && !locked, lock);

  const openEstablishment = useCallback((uai: string, email?: string) => {
    setScreen({ name: "establishment", uai, email });
    setLastEstablishment(uai);
  }, []);
  const backToSearch = useCallback(() => setScreen({ name: "search" }), []);

  const agent = auth.state === "signed-in" ? auth.agent : null;
  // What the core says the agent's role allows: each screen behind its own permission.
  const may = {
    journal: agent?.permissions.read_journal.allowed ?? false,
    agents: agent?.permissions.manage_agents.allowed ?? false,
    settings: agent?.permissions.manage_settings.allowed ?? false,
    annuaire: agent?.permissions.import_annuaire.allowed ?? false,
  };
  const ready = agent !== null && !locked;
  // Read again each time the palette opens, so that it offers what was opened since.
  const recent = useRecentEstablishments(ready && overlay === "palette");

  // Ctrl+K opens the palette, "?" the help, "/" the search field, wherever the focus is but in a
  // field (where "/" and "?" are typed).
  useEffect(() => {
    if (!ready) return;
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "k") {
        event.preventDefault();
        setOverlay("palette");
      } else if (!event.ctrlKey && !event.metaKey && !event.altKey && !isTyping(event.target)) {
        if (event.key === "?") {
          event.preventDefault();
          setOverlay("help");
        } else if (event.key === "/") {
          event.preventDefault();
          setScreen({ name: "search" });
          document.getElementById("search-input")?.focus();
        }
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [ready]);

  // A new screen takes the focus to its main region unless it put it on one of its fields, so
  // that the keyboard and screen readers start from the top of what changed.
  useEffect(() => {
    const frame = requestAnimationFrame(() => {
      const region = main.current;
      if (region && !region.contains(document.activeElement)) region.focus();
    });
    return () => cancelAnimationFrame(frame);
  }, [screen]);

  const go = (next: Screen) => () => setScreen(next);
  const screenCommands: PaletteCommand[] = agent
    ? [
        { id: "screen-search", group: "Écran", label: "Rechercher un établissement ou une adresse", keywords: "recherche uai", shortcut: "/", run: go({ name: "search" }) },
        { id: "screen-check-link", group: "Écran", label: "Vérifier un lien", keywords: "expiré remplacé", run: go({ name: "check-link" }) },
        { id: "screen-initialisation", group: "Écran", label: "Suivi des initialisations", keywords: "tableau de bord statistiques session", run: go({ name: "initialisation" }) },
        { id: "screen-campaigns", group: "Écran", label: "Campagnes d’envoi", keywords: "liens masse population pause", run: go({ name: "campaigns" }) },
        ...(may.journal ? [{ id: "screen-journal", group: "Écran", label: "Journal des actions", keywords: "audit export", run: go({ name: "journal" }) }] : []),
        ...(may.agents ? [{ id: "screen-agents", group: "Écran", label: "Agents", keywords: "rôle comptes", run: go({ name: "agents" }) }] : []),
        ...(may.annuaire ? [{ id: "screen-annuaire", group: "Écran", label: "Annuaire de l’éducation", keywords: "import établissements fermés", run: go({ name: "annuaire" }) }] : []),
        ...(may.settings ? [{ id: "screen-settings", group: "Écran", label: "Réglages", keywords: "smtp portail clé", run: go({ name: "settings" }) }] : []),
        { id: "screen-password", group: "Écran", label: "Mon mot de passe", keywords: "changer", run: go({ name: "password" }) },
        { id: "theme-light", group: "Affichage", label: "Thème clair", keywords: "couleurs jour", run: () => setIsDark(false) },
        { id: "theme-dark", group: "Affichage", label: "Thème sombre", keywords: "couleurs nuit", run: () => setIsDark(true) },
        { id: "theme-system", group: "Affichage", label: "Thème du système", keywords: "couleurs automatique", run: () => setIsDark("system") },
        { id: "help", group: "Aide", label: "Raccourcis clavier", keywords: "aide clavier", shortcut: "?", run: () => setOverlay("help") },
        { id: "lock", group: "Session", label: "Verrouiller l’écran", keywords: "pause", run: lock },
        { id: "sign-out", group: "Session", label: "Se déconnecter", keywords: "quitter", run: signOut },
      ]
    : [];
  const navigation = agent
    ? [
        navItem("nav-search", "Recherche", screen.name === "search" || screen.name === "establishment", backToSearch),
        navItem("nav-check-link", "Vérifier un lien", screen.name === "check-link" || screen.name === "address", () => setScreen({ name: "check-link" })),
        navItem("nav-initialisation", "Suivi", screen.name === "initialisation", () => setScreen({ name: "initialisation" })),
        navItem("nav-campaigns", "Campagnes", screen.name === "campaigns", () => setScreen({ name: "campaigns" })),
        ...(may.journal ? [navItem("nav-journal", "Journal", screen.name === "journal", () => setScreen({ name: "journal" }))] : []),
        ...(may.agents ? [navItem("nav-agents", "Agents", screen.name === "agents", () => setScreen({ name: "agents" }))] : []),
        ...(may.annuaire ? [navItem("nav-annuaire", "Annuaire", screen.name === "annuaire", () => setScreen({ name: "annuaire" }))] : []),
        ...(may.settings ? [navItem("nav-settings", "Réglages", screen.name === "settings", () => setScreen({ name: "settings" }))] : []),
        navItem("nav-password", "Mon mot de passe", screen.name === "password", () => setScreen({ name: "password" })),
      ]
    : undefined;

  return (
    <>
      <div inert={locked} className={locked ? "guichet-frame guichet-frame--locked" : "guichet-frame"}>
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
          navigation={navigation}
          quickAccessItems={[
            <DatabaseIndicator key="database" startup={startup} />,
            ...(agent
              ? [
                  <p key="agent" className="fr-text--sm fr-mb-0 guichet-agent">
                    <span className="fr-icon-user-line fr-icon--sm fr-mr-1v" aria-hidden="true" />
                    {agent.display_name} · {ROLE_LABELS[agent.role]}
                  </p>,
                  { iconId: "fr-icon-logout-box-r-line" as const, text: "Se déconnecter", buttonProps: { onClick: signOut } },
                ]
              : []),
          ]}
        />
        {startup.state === "ready" && startup.status.demo_mail && <Notice id="demo-mail-notice" title={startup.status.demo_mail} />}
        <SendingBanner active={ready} />
        {/* data-screen names the screen shown: the keyboard scenarios count the screens a call crosses. */}
        <main id="main" className="fr-container fr-py-4w" tabIndex={-1} ref={main} data-screen={agent ? screenName(screen) : auth.state}>
          {startup.state === "failed" && (
            <Alert severity="error" title="Le Guichet ne peut pas ouvrir la base de données" description={startup.message} id="startup-error" />
          )}
          {startup.state === "ready" && auth.state === "first-supervisor" && <FirstSupervisorPage onSignedIn={signedIn} />}
          {startup.state === "ready" && auth.state === "signed-out" && <SignInPage onSignedIn={signedIn} notice={auth.notice} />}
          {agent && screen.name === "search" && (
            <SearchPage query={query} onQueryChange={setQuery} onOpen={openEstablishment} agent={agent} caller={lastEstablishment} />
          )}
          {agent && screen.name === "establishment" && (
            <EstablishmentPage key={screen.uai} uai={screen.uai} email={screen.email} agent={agent} onBack={backToSearch} onOpen={openEstablishment} />
          )}
          {agent && screen.name === "check-link" && <LinkCheckPage onOpenAddress={(email) => setScreen({ name: "address", email })} />}
          {agent && screen.name === "address" && (
            <AddressPanel email={screen.email} agent={agent} note="" onClose={() => setScreen({ name: "check-link" })} />
          )}
          {agent && screen.name === "initialisation" && <InitialisationPage onOpen={openEstablishment} />}
          {agent && screen.name === "campaigns" && <CampaignsPage agent={agent} />}
          {agent && screen.name === "journal" && may.journal && <JournalPage />}
          {agent && screen.name === "agents" && may.agents && <AgentsPage me={agent} />}
          {agent && screen.name === "annuaire" && may.annuaire && <AnnuairePage agent={agent} />}
          {agent && screen.name === "settings" && may.settings && <SettingsPage />}
          {agent && screen.name === "password" && <ChangePasswordPage />}
        </main>
      </div>
      {ready && overlay === "palette" && <CommandPalette commands={[...registry.current(), ...recentCommands(recent, openEstablishment), ...screenCommands]} onClose={() => setOverlay(null)} />}
      {ready && overlay === "help" && <HelpPanel onClose={() => setOverlay(null)} />}
      {agent && locked && <LockScreen agent={agent} onUnlocked={signedIn} onSignOut={signOut} />}
    </>
  );
}

/** One name per screen, an establishment's with its UAI. */
function screenName(screen: Screen): string {
  return screen.name === "establishment" ? `establishment:${screen.uai}` : screen.name;
}

function navItem(id: string, text: string, isActive: boolean, onClick: () => void) {
  return {
    text,
    isActive,
    linkProps: {
      id,
      href: "#",
      onClick: (event: React.MouseEvent) => {
        event.preventDefault();
        onClick();
      },
    },
  };
}

function DatabaseIndicator({ startup }: { startup: Startup }) {
  const label =
    startup.state === "opening"
      ? "Ouverture de la base…"
      : startup.state === "failed"
        ? "Base indisponible"
        : startup.status.demo
          ? "Base de démonstration"
          : startup.status.mode === "shared"
            ? "Base partagée (PostgreSQL)"
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
