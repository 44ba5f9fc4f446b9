// Supervisors' settings: the database's sending settings (portal, lifetime, sender, SMTP server,
// bounce mailbox), read by the one sender for every PC, and this PC's own (database, idle lock),
// each with its test; the bounce mailbox's last reading; secrets go to the OS keyring through
// write-only fields and are never shown again (in shared mode they are the sender service's, not
// this PC's).
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { ToggleSwitch } from "@codegouvfr/react-dsfr/ToggleSwitch";
import { useEffect, useState, type FormEvent } from "react";
import { commands, type SendingForm, type SettingsView, type StoredSettings } from "../../bindings";
import { messageOf, unwrap } from "../../lib/result";
import { BounceMailbox } from "./BounceMailbox";
import { SecondsField } from "./SecondsField";

type Outcome = { ok: boolean; message: string } | null;

const SECRET_LABELS: Record<string, string> = {
  "portal-signing-key": "Clé de signature du portail (kernel.secret)",
  "smtp-password": "Mot de passe du serveur de courriel",
  "database-password": "Mot de passe de la base PostgreSQL",
  "bounce-imap-password": "Mot de passe de la boîte des retours",
};

type SendingText =
  | "portal_url"
  | "portal_timezone"
  | "mail_from"
  | "smtp_url"
  | "bounce_address"
  | "bounce_imap_host"
  | "bounce_imap_user"
  | "bounce_imap_folder"
  | "bounce_imap_done_folder";

/** The fields that may be unset: emptied, they go as null (the default). */
const OPTIONAL_TEXTS: ReadonlySet<SendingText> = new Set(["smtp_url", "bounce_address", "bounce_imap_host", "bounce_imap_user"]);

type TextField = { field: SendingText; label: string; hint: string };

const SENDING_FIELDS: TextField[] = [
  { field: "portal_url", label: "Adresse du portail", hint: "En https, par exemple https://auth.siec.education.fr" },
  { field: "portal_timezone", label: "Fuseau horaire du portail", hint: "Celui de PHP sur le portail, par exemple Europe/Paris." },
  { field: "mail_from", label: "Expéditeur des messages", hint: "Nom <adresse>" },
  { field: "smtp_url", label: "Serveur de courriel", hint: "smtp://hôte:port, smtp://hôte?tls=starttls ou smtps://hôte\u202f; vide\u00a0: fichiers .eml. Sans mot de passe." },
];

const BOUNCE_ADDRESS: TextField = {
  field: "bounce_address",
  label: "Adresse des retours",
  hint: "Les avis de non-distribution reviennent à cette adresse. Vide\u00a0: l’adresse de l’expéditeur.",
};

const BOUNCE_MAILBOX_FIELDS: TextField[] = [
  { field: "bounce_imap_host", label: "Serveur IMAP de la boîte des retours", hint: "imap.ac-besancon.fr ou imap.ac-besancon.fr:993 — toujours en TLS. Vide\u00a0: la boîte n’est pas lue." },
  { field: "bounce_imap_user", label: "Utilisateur IMAP", hint: "Son mot de passe se garde dans le trousseau, comme les autres secrets." },
  { field: "bounce_imap_folder", label: "Dossier des retours", hint: "INBOX par défaut." },
  { field: "bounce_imap_done_folder", label: "Dossier des retours traités", hint: "Guichet par défaut\u00a0: les retours reconnus y sont rangés." },
];

export function SettingsPage() {
  const [view, setView] = useState<SettingsView | null>(null);
  const [values, setValues] = useState<StoredSettings | null>(null);
  const [sending, setSending] = useState<SendingForm | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [tests, setTests] = useState<Record<string, Outcome>>({});
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [revision, setRevision] = useState(0);

  useEffect(() => {
    unwrap(commands.settingsView())
      .then((found) => (setView(found), setValues(found.values), setSending(found.sending)))
      .catch((failure: unknown) => setOutcome({ ok: false, message: messageOf(failure) }));
  }, [revision]);

  if (!view || !values || !sending) return outcome ? <Alert severity="error" small description={outcome.message} /> : null;

  async function save(event: FormEvent) {
    event.preventDefault();
    try {
      setOutcome({ ok: true, message: await unwrap(commands.saveSettings(values as StoredSettings, sending as SendingForm)) });
      // Read again: the bounce mailbox's section follows the server just set or removed.
      setRevision((r) => r + 1);
    } catch (failure) {
      setOutcome({ ok: false, message: messageOf(failure) });
    }
  }

  async function test(kind: "database" | "smtp") {
    setTests((old) => ({ ...old, [kind]: null }));
    const url = kind === "database" ? (values?.database_url ?? null) : (sending?.smtp_url ?? null);
    try {
      const message = await unwrap(kind === "database" ? commands.testDatabase(url) : commands.testSmtp(url));
      setTests((old) => ({ ...old, [kind]: { ok: true, message } }));
    } catch (failure) {
      setTests((old) => ({ ...old, [kind]: { ok: false, message: messageOf(failure) } }));
    }
  }

  async function storeSecret(name: string) {
    try {
      const message = await unwrap(commands.setSecret(name, secrets[name] ?? ""));
      setOutcome({ ok: true, message });
      setSecrets((old) => ({ ...old, [name]: "" }));
      setRevision((r) => r + 1);
    } catch (failure) {
      setOutcome({ ok: false, message: messageOf(failure) });
    }
  }

  const setSendingText = (field: SendingText, text: string) =>
    setSending((old) => ({ ...(old as SendingForm), [field]: OPTIONAL_TEXTS.has(field) && text.trim() === "" ? null : text }));
  const overridden = (field: string, hint: string) =>
    view.from_environment.includes(field) ? `${hint} Une variable d’environnement impose la valeur sur ce poste.` : hint;
  const textInput = ({ field, label, hint }: TextField) => (
    <Input
      key={field}
      label={label}
      hintText={overridden(field, hint)}
      nativeInputProps={{ id: `setting-${field}`, value: sending[field] ?? "", onChange: (e) => setSendingText(field, e.target.value), spellCheck: false }}
    />
  );

  return (
    <section aria-labelledby="settings-title" className="guichet-narrow-wide">
      <h1 id="settings-title" className="fr-h3">
        Réglages
      </h1>
      {outcome && <Alert severity={outcome.ok ? "success" : "error"} small description={outcome.message} className="fr-mb-2w" id="settings-outcome" />}
      <form onSubmit={save} id="settings-form" noValidate>
        <h2 className="fr-h5">Envoi des liens, pour tous les postes</h2>
        <p className="fr-text--sm">Enregistrés dans la base, lus par le service d’envoi dès le message suivant.</p>
        {SENDING_FIELDS.map(textInput)}
        <SecondsField
          id="setting-link_lifetime_seconds"
          label="Durée de validité d’un lien (secondes)"
          hint={overridden("link_lifetime_seconds", "3600 par défaut\u00a0: le message dit alors «\u00a0Ce lien expire dans 1 heure\u00a0».")}
          value={sending.link_lifetime_seconds}
          // The lifetime has no "unset": emptied, it goes as 0, as Number("") always made it.
          onChange={(seconds) => setSending((old) => ({ ...(old as SendingForm), link_lifetime_seconds: seconds ?? 0 }))}
        />
        <SecondsField
          id="setting-smtp_max_rate"
          label="Débit maximal du relais (messages par minute)"
          hint={overridden("smtp_max_rate", "300 par défaut : aucune campagne ne va plus vite, toutes ensemble comprises.")}
          value={sending.smtp_max_rate}
          onChange={(rate) => setSending((old) => ({ ...(old as SendingForm), smtp_max_rate: rate ?? 0 }))}
        />
        <h2 className="fr-h5 fr-mt-4w" id="bounce-settings-title">
          Retours des messages non délivrés
        </h2>
        <p className="fr-text--sm">
          Un serveur qui ne peut pas remettre un message renvoie un avis de non-distribution&nbsp;; le service d’envoi lit la boîte des retours toutes les cinq minutes et
          l’inscrit sur le message, dans les liens de l’adresse.
        </p>
        {textInput(BOUNCE_ADDRESS)}
        <ToggleSwitch
          id="setting-bounce_verp"
          className="fr-mb-3w"
          label="Une adresse de retour par message (VERP)"
          helperText={overridden(
            "bounce_verp",
            "Activé par défaut\u00a0: chaque message a sa propre adresse de retour, qui retrouve le message même quand le serveur destinataire ignore les avis de distribution normalisés (DSN).",
          )}
          labelPosition="left"
          checked={sending.bounce_verp}
          onChange={(checked) => setSending((old) => ({ ...(old as SendingForm), bounce_verp: checked }))}
        />
        {BOUNCE_MAILBOX_FIELDS.map(textInput)}
        <h2 className="fr-h5 fr-mt-4w">Ce poste</h2>
        <Input
          label="Base de données"
          hintText={overridden("database_url", "postgres://hôte/base (base partagée, sans utilisateur) ou sqlite://chemin\u202f; vide\u00a0: base de démonstration. Sans mot de passe.")}
          nativeInputProps={{
            id: "setting-database_url",
            value: values.database_url ?? "",
            onChange: (e) => setValues((old) => ({ ...(old as StoredSettings), database_url: e.target.value.trim() === "" ? null : e.target.value })),
            spellCheck: false,
          }}
        />
        <SecondsField
          id="setting-idle_lock_seconds"
          label="Verrouillage après inactivité (secondes)"
          hint={overridden("idle_lock_seconds", "600 par défaut.")}
          value={values.idle_lock_seconds ?? null}
          onChange={(seconds) => setValues((old) => ({ ...(old as StoredSettings), idle_lock_seconds: seconds }))}
        />
        <div className="guichet-lock__actions fr-mb-4w">
          <Button type="submit" id="settings-save">
            Enregistrer les réglages
          </Button>
          <Button type="button" priority="secondary" onClick={() => test("database")} id="test-database">
            Tester la connexion à la base
          </Button>
          <Button type="button" priority="secondary" onClick={() => test("smtp")} id="test-smtp">
            Tester le serveur de courriel
          </Button>
        </div>
        {(["database", "smtp"] as const).map((kind) => {
          const result = tests[kind];
          return result ? <Alert key={kind} severity={result.ok ? "success" : "error"} small description={result.message} className="fr-mb-2w" id={`test-${kind}-outcome`} /> : null;
        })}
      </form>

      <BounceMailbox status={view.bounces} />

      <h2 className="fr-h5 fr-mt-4w">Secrets (trousseau du système&nbsp;: {view.keyring})</h2>
      {view.secrets.length === 0 ? (
        <p className="fr-text--sm" id="secrets-elsewhere">
          Base partagée&nbsp;: la clé de signature du portail et les mots de passe du serveur de courriel et de la boîte des retours sont dans le trousseau du service
          d’envoi, à côté de la base. Ce poste n’en garde aucun.
        </p>
      ) : (
        <p className="fr-text--sm">Ils ne sont jamais réaffichés ni écrits dans un fichier. Saisir une valeur la remplace.</p>
      )}
      {view.secrets.map((secret) => (
        <div key={secret.name} className="guichet-secret">
          <Input
            label={
              <>
                {SECRET_LABELS[secret.name] ?? secret.name}{" "}
                <Badge small severity={secret.set ? "success" : "warning"}>
                  {secret.set ? "enregistré" : "absent"}
                </Badge>
              </>
            }
            nativeInputProps={{
              id: `secret-${secret.name}`,
              type: "password",
              autoComplete: "off",
              value: secrets[secret.name] ?? "",
              onChange: (e) => setSecrets((old) => ({ ...old, [secret.name]: e.target.value })),
            }}
          />
          <Button size="small" onClick={() => storeSecret(secret.name)} disabled={(secrets[secret.name] ?? "") === ""}>
            Enregistrer
          </Button>
        </div>
      ))}
    </section>
  );
}
