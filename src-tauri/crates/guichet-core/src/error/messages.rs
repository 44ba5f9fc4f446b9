//! What each error says to the agent, in French: what happened and what to do next.

use super::Error;

impl Error {
    /// What the agent reads: what happened and what to do next, in French.
    pub fn message(&self) -> String {
        match self {
            Error::InvalidDatabaseUrl(reason) => format!(
                "L’adresse de la base de données est invalide ({reason}). Indiquez une adresse \
                 «\u{a0}sqlite://chemin\u{a0}» ou «\u{a0}postgres://hôte/base\u{a0}» dans GUICHET_DATABASE_URL."
            ),
            Error::SqliteFileMissing(path) => format!(
                "La base SQLite «\u{a0}{}\u{a0}» est introuvable. Vérifiez le chemin, ou créez-la avec \
                 «\u{a0}guichet-admin migrate\u{a0}».",
                path.display()
            ),
            // A Guichet already open reconnects by itself once the server answers again.
            Error::DatabaseUnreachable(_) => "La base de données ne répond pas. Vérifiez que le \
                 serveur PostgreSQL est démarré et joignable, puis réessayez\u{a0}: le Guichet \
                 reprend dès qu’elle répond."
                .into(),
            Error::DatabaseAuthentication(_) => "La base de données a refusé l’identifiant ou le \
                 mot de passe. Vérifiez les paramètres de connexion."
                .into(),
            Error::DatabaseMissing(_) => "La base de données indiquée n’existe pas sur le serveur \
                 PostgreSQL. Vérifiez son nom ou demandez sa création."
                .into(),
            Error::SchemaTooNew { found, known } => format!(
                "La base de données a été mise à jour par une version plus récente du Guichet \
                 (schéma {found}, cette version connaît le schéma {known}). Installez la dernière \
                 version du Guichet\u{a0}; rien n’a été modifié."
            ),
            Error::SchemaTooOld { found, known } => format!(
                "La base de données n’est pas encore à jour pour cette version du Guichet \
                 (schéma {found}, cette version attend le schéma {known}). Le propriétaire de la \
                 base doit lancer «\u{a0}guichet-admin migrate\u{a0}»\u{a0}; rien n’a été modifié."
            ),
            Error::DatabaseTls(_) => "La connexion chiffrée (TLS) à la base de données n’a pas pu \
                 s’établir\u{a0}: le serveur ne la propose pas, ou le certificat d’autorité indiqué \
                 (sslrootcert) est illisible. Vérifiez l’adresse de la base et la configuration TLS \
                 du serveur."
                .into(),
            Error::DatabaseCertificate(_) => "Le certificat du serveur PostgreSQL n’est pas celui \
                 attendu (autorité indiquée par sslrootcert, ou nom du serveur)\u{a0}: la connexion est \
                 refusée. Vérifiez l’adresse de la base, ou demandez le bon certificat d’autorité à \
                 l’équipe technique."
                .into(),
            Error::RefusedByDatabase(_) => "La base de données a refusé cette opération\u{a0}: votre \
                 rôle ne la permet pas (ou plus). Rien n’a été modifié\u{a0}; demandez à un superviseur."
                .into(),
            Error::Migration(_) => "La mise à jour du schéma de la base a échoué\u{a0}; rien n’a été \
                 modifié. Contactez l’équipe technique."
                .into(),
            Error::Database(_) => "La base de données a renvoyé une erreur\u{a0}; l’opération n’a pas \
                 été enregistrée. Réessayez, puis contactez l’équipe technique si cela persiste."
                .into(),
            Error::InvalidUai { input, reason } => {
                format!(
                    "«\u{a0}{input}\u{a0}» n’est pas un code UAI valide\u{a0}: {}.",
                    reason.message()
                )
            }
            Error::EstablishmentNotFound(uai) => {
                format!("Aucun établissement ne porte le code UAI {uai}.")
            }
            Error::DatabaseNotEmpty => "La base contient déjà des établissements\u{a0}: les données \
                 de démonstration ne se chargent que dans une base vide."
                .into(),
            Error::InvalidDemoSize(reason) => {
                format!("Taille de démonstration invalide\u{a0}: {reason}.")
            }
            Error::InvalidSetting { name, reason } => {
                format!("Le réglage {name} est invalide\u{a0}: {reason}.")
            }
            Error::InvalidPopulation(error) => error.message(),
            Error::AnnuaireEmpty => "Le fichier est vide\u{a0}: il ne contient aucun \
                 établissement de l’Annuaire de l’éducation. Rien n’a été importé."
                .into(),
            Error::AnnuaireSeparator { found } => format!(
                "Ligne 1\u{a0}: les colonnes sont séparées par «\u{a0}{found}\u{a0}», l’Annuaire de \
                 l’éducation les sépare par «\u{a0};\u{a0}». Téléchargez l’export CSV du jeu de \
                 données tel quel. Rien n’a été importé."
            ),
            Error::AnnuaireHeaders { missing } => format!(
                "Ligne 1\u{a0}: ce fichier n’est pas l’Annuaire de l’éducation, il y manque \
                 {} {}. Rien n’a été importé.",
                if missing.len() > 1 { "les colonnes" } else { "la colonne" },
                missing.join(", ")
            ),
            Error::AnnuaireEncoding { line, column } => format!(
                "Ligne {line}, colonne {column}\u{a0}: le texte n’est pas en UTF-8 (sans doute en \
                 Latin-1). Téléchargez l’export CSV de l’Annuaire tel quel, ou enregistrez le \
                 fichier en UTF-8. Rien n’a été importé."
            ),
            Error::AnnuaireCsv { line, .. } => format!(
                "Ligne {line}\u{a0}: le fichier n’est plus un CSV lisible (guillemet non fermé\u{a0}?). \
                 Rien n’a été importé."
            ),
            Error::AnnuaireRejected {
                count,
                line,
                column,
                reason,
            } => format!(
                "{count} ligne{s} du fichier {sont} écartée{s}, la première ligne {line}, colonne \
                 {column}\u{a0}: {reason}. Rien n’a été importé\u{a0}; vérifiez ces lignes, puis \
                 importez le reste du fichier en les écartant (--skip-rejected).",
                s = if *count > 1 { "s" } else { "" },
                sont = if *count > 1 { "sont" } else { "est" },
            ),
            Error::EmptyPopulation => "Aucun établissement ne correspond à ces filtres dans les \
                 états choisis\u{a0}: aucune campagne n’est préparée. Élargissez les filtres ou \
                 choisissez d’autres états."
                .into(),
            Error::CampaignRate(error) => error.message(),
            Error::CampaignNotFound(id) => format!("Aucune campagne ne porte le n°\u{a0}{id}."),
            Error::CampaignState { id, state, action } => format!(
                "Impossible {} la campagne n°\u{a0}{id}\u{a0}: elle est {}.",
                action.verb(),
                state.said()
            ),
            Error::CampaignEmpty(id) => format!(
                "La campagne n°\u{a0}{id} n’a aucun lien à envoyer\u{a0}: tous ses établissements \
                 sont écartés. Rien n’est envoyé."
            ),
            Error::NoDataDirectory => "Impossible de trouver le dossier de données de \
                 l’utilisateur\u{a0}; indiquez une base avec GUICHET_DATABASE_URL."
                .into(),
            Error::InvalidCredentials => "Identifiant ou mot de passe incorrect.".into(),
            Error::LoginLocked(until) => format!(
                "Trop d’essais infructueux\u{a0}: cet identifiant est bloqué jusqu’à {}. Réessayez ensuite, \
                 ou demandez à un superviseur de vérifier le compte.",
                crate::text::paris_time(*until)
            ),
            Error::AgentDisabled => {
                "Ce compte d’agent est désactivé. Adressez-vous à un superviseur.".into()
            }
            Error::NotSignedIn => "Votre session est terminée\u{a0}: reconnectez-vous.".into(),
            Error::SessionLocked { idle_seconds } => format!(
                "L’écran s’est verrouillé après {} d’inactivité\u{a0}: saisissez votre mot de passe \
                 pour reprendre.",
                crate::text::lifetime_in_words(*idle_seconds)
            ),
            Error::Forbidden { role, permission } => format!(
                "{} Demandez à un agent ou à un superviseur.",
                permission.refusal(*role)
            ),
            Error::WeakPassword(unmet) => format!(
                "Le mot de passe doit comporter {}.",
                unmet
                    .iter()
                    .map(|rule| rule.message())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Error::InvalidLogin(login) => format!(
                "«\u{a0}{login}\u{a0}» n’est pas un identifiant valide\u{a0}: de 2 à 64 caractères parmi les lettres \
                 minuscules sans accent, les chiffres, «\u{a0}.\u{a0}», «\u{a0}_\u{a0}» et «\u{a0}-\u{a0}»."
            ),
            Error::EmptyAgentName => "Indiquez le nom de l’agent.".into(),
            Error::LoginTaken(login) => format!("L’identifiant «\u{a0}{login}\u{a0}» est déjà pris."),
            Error::AgentsAlreadyExist => {
                "Un superviseur existe déjà\u{a0}: connectez-vous avec son compte.".into()
            }
            Error::AgentNotFound(login) => format!("Aucun agent n’a l’identifiant «\u{a0}{login}\u{a0}»."),
            Error::OwnAccount => "Vous ne pouvez pas changer le rôle ni l’état de votre propre \
                 compte\u{a0}: demandez-le à un autre superviseur."
                .into(),
            Error::NotAnAgent(login) => format!(
                "Le compte PostgreSQL «\u{a0}{login}\u{a0}» n’est pas un agent de ce Guichet. Demandez \
                 au propriétaire de la base de l’ajouter avec «\u{a0}guichet-admin agent add\u{a0}»."
            ),
            Error::MissingGroupRole(login) => format!(
                "Le compte «\u{a0}{login}\u{a0}» n’appartient à aucun rôle du Guichet \
                 (guichet_lecture, guichet_agent, guichet_superviseur)\u{a0}: la base ne lui \
                 permet rien. Un superviseur doit lui redonner un rôle («\u{a0}Agents\u{a0}»)."
            ),
            Error::NotOwner(login) => format!(
                "Le compte «\u{a0}{login}\u{a0}» n’est pas le propriétaire de la base\u{a0}: \
                 indiquez avec --agent l’identifiant d’un superviseur."
            ),
            Error::StandaloneDatabase => "Cette base est en mode autonome\u{a0}: les agents s’y \
                 connectent avec leur compte du Guichet, pas avec un compte PostgreSQL. Vérifiez \
                 l’adresse de la base (GUICHET_DATABASE_URL)."
                .into(),
            Error::SharedModeNeedsPostgres => "Le mode partagé n’existe que sur PostgreSQL\u{a0}; \
                 une base SQLite reste en mode autonome."
                .into(),
            Error::StandaloneAgentsExist => "Cette base a déjà des agents en mode autonome\u{a0}: \
                 elle ne peut plus passer en mode partagé. Créez une base neuve avec \
                 «\u{a0}guichet-admin migrate --shared\u{a0}»."
                .into(),
            Error::SharedDatabaseElsewhere(database) => format!(
                "La base «\u{a0}{database}\u{a0}» de ce serveur PostgreSQL est déjà la base partagée \
                 du Guichet\u{a0}: un serveur n’en accueille qu’une, car les comptes des agents \
                 valent pour tout le serveur."
            ),
            Error::SenderAccount(login) => format!(
                "«\u{a0}{login}\u{a0}» est le compte du service d’envoi\u{a0}: il ne se connecte pas au \
                 Guichet. Connectez-vous avec votre propre compte d’agent."
            ),
            Error::SenderRoleNeedsSharedMode => "Le rôle «\u{a0}envoi\u{a0}» n’existe qu’en base \
                 partagée\u{a0}: dans une base autonome, le Guichet envoie lui-même les liens."
                .into(),
            Error::NotASender(login) => format!(
                "Le compte «\u{a0}{login}\u{a0}» n’est pas celui du service d’envoi\u{a0}: le service \
                 se connecte avec un compte créé par «\u{a0}guichet-admin agent add … --role envoi\u{a0}»."
            ),
            Error::SentByTheService => "Dans une base partagée, les liens partent par le service \
                 d’envoi, à côté de la base\u{a0}: ses secrets (clé de signature du portail, mot de \
                 passe du serveur de courriel) sont dans son trousseau, et ce poste n’envoie rien \
                 lui-même."
                .into(),
            Error::FirstSupervisorByOwner => "En mode partagé, le premier superviseur est créé par \
                 le propriétaire de la base avec «\u{a0}guichet-admin agent add … --role \
                 superviseur\u{a0}»."
                .into(),
            Error::InvalidEmail { input, reason } => {
                format!(
                    "«\u{a0}{input}\u{a0}» n’est pas une adresse électronique valide\u{a0}: {}.",
                    reason.message()
                )
            }
            Error::AddressInOtherCase { typed, existing } => format!(
                "L’adresse «\u{a0}{typed}\u{a0}» existe déjà sous la forme «\u{a0}{existing}\u{a0}» (seules les majuscules \
                 diffèrent)\u{a0}: utilisez «\u{a0}{existing}\u{a0}», le portail ne distingue pas les deux."
            ),
            Error::AddressExists(email) => format!("L’adresse «\u{a0}{email}\u{a0}» est déjà dans la base."),
            Error::AddressNotFound(email) => {
                format!("L’adresse «\u{a0}{email}\u{a0}» n’est pas dans la base\u{a0}: ajoutez-la d’abord.")
            }
            Error::AlreadyAttached { email, uai } => {
                format!("L’adresse «\u{a0}{email}\u{a0}» est déjà rattachée à l’établissement {uai}.")
            }
            Error::NotAttached { email, uai } => {
                format!("L’adresse «\u{a0}{email}\u{a0}» n’est pas rattachée à l’établissement {uai}.")
            }
            Error::PrincipalNeedsReplacement { email, uai } => format!(
                "«\u{a0}{email}\u{a0}» est l’adresse principale de l’établissement {uai}\u{a0}: choisissez d’abord \
                 une autre adresse principale parmi ses adresses rattachées, puis détachez-la."
            ),
            Error::Conflict { uai, .. } => format!(
                "Un autre agent vient de modifier l’établissement {uai}. La page a été rechargée avec \
                 ses changements\u{a0}; votre saisie est conservée\u{a0}: vérifiez-la puis validez à nouveau."
            ),
            Error::NoEstablishment => "Indiquez au moins un établissement (code UAI).".into(),
            Error::Internal(_) => {
                "Une erreur interne est survenue\u{a0}; rien n’a été modifié. Contactez \
                 l’équipe technique."
                    .into()
            }
            Error::Io { path, .. } => format!(
                "Impossible de lire ou d’écrire «\u{a0}{}\u{a0}». Vérifiez les droits sur ce dossier.",
                path.display()
            ),
            Error::Secret(error) => error.message(),
            Error::MissingSigningKey => {
                "La clé de signature du portail n’est pas enregistrée auprès du service \
                 d’envoi\u{a0}: aucun lien ne peut partir. Enregistrez-la là où le service tourne, \
                 avec «\u{a0}guichet-admin secret set portal-signing-key\u{a0}» (dans une base autonome, \
                 un superviseur peut aussi l’enregistrer dans les réglages)."
                    .into()
            }
            Error::SmtpUnreachable(reason) => {
                format!("Le serveur de courriel ne répond pas comme prévu\u{a0}: {reason}")
            }
            Error::AccountDisabled(email) => format!(
                "Le compte «\u{a0}{email}\u{a0}» est désactivé sur le portail\u{a0}: un lien ne lui servirait à rien."
            ),
            Error::EstablishmentClosed { email, uais } => format!(
                "«\u{a0}{email}\u{a0}» n’est rattachée qu’à {} ({})\u{a0}: aucun lien ne lui est envoyé. Rattachez l’adresse à l’établissement qui a pris la suite.",
                if uais.len() > 1 { "des établissements fermés" } else { "un établissement fermé" },
                uais.join(", ")
            ),
            Error::SmtpSettings(error) => error.message(),
            Error::SmtpPasswordElsewhere { typed, configured } => format!(
                "Le mot de passe du trousseau ne sert qu’avec le serveur réglé ({})\u{a0}: il n’est \
                 envoyé à aucun autre. Pour tester {typed}, enregistrez d’abord ce serveur dans les \
                 réglages et son mot de passe dans le trousseau.",
                configured.as_deref().unwrap_or("aucun pour l’instant")
            ),
            Error::MailMessage(error) => error.message(),
            Error::BounceMailboxNotSet => "Aucune boîte des retours n’est réglée\u{a0}: renseignez son \
                 serveur IMAP et son utilisateur dans les réglages d’envoi."
                .into(),
            Error::BounceMailboxPassword => "Le mot de passe de la boîte des retours n’est pas \
                 enregistré auprès du service d’envoi\u{a0}: enregistrez-le avec «\u{a0}guichet-admin \
                 secret set bounce-imap-password\u{a0}» là où le service tourne."
                .into(),
            Error::BounceMailbox { host, .. } => format!(
                "La boîte des retours ({host}) est injoignable (pas de connexion, chiffrement refusé \
                 ou dossier absent)\u{a0}: les retours attendent sur le serveur, rien n’est perdu. \
                 Nouvel essai dans quelques minutes."
            ),
            Error::BounceLogin { host, user } => format!(
                "Le serveur de la boîte des retours ({host}) a refusé l’utilisateur «\u{a0}{user}\u{a0}» \
                 ou son mot de passe\u{a0}: corrigez l’utilisateur dans les réglages ou le mot de passe \
                 enregistré (bounce-imap-password)."
            ),
        }
    }
}
