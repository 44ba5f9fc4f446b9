//! What a refusal means, in plain French, for an agent on the phone with a school: the enhanced
//! status code where there is one (RFC 3463), else the SMTP reply code (RFC 5321).

use super::status::parse_enhanced;

/// What `enhanced` (`5.1.1`) or, failing it, `code` (550) means: the precise cause for the
/// usual codes, else the kind of problem and whether it is final.
pub fn explain_status(enhanced: Option<&str>, code: Option<u16>) -> String {
    let Some(status) = enhanced.and_then(parse_enhanced) else {
        return code.map_or_else(|| "cause non précisée".into(), from_code);
    };
    if status.class == 2 {
        return "accepté".into();
    }
    if let Some(cause) = precise(status.class, status.subject, status.detail) {
        return cause.into();
    }
    let kind = finality(status.class);
    match area(status.subject) {
        Some(area) => format!("{kind} ({area})"),
        None => kind.into(),
    }
}

fn precise(class: u8, subject: u16, detail: u16) -> Option<&'static str> {
    Some(match (subject, detail) {
        (1, 1) => "boîte aux lettres inexistante",
        (1, 2) => "domaine inconnu",
        (1, 3) => "adresse mal formée",
        (1, 6) => "le destinataire a changé d’adresse",
        (1, 10) => "adresse inconnue du serveur",
        (2, 1) => "boîte aux lettres désactivée",
        (2, 2) => "boîte aux lettres pleine",
        (2, 3) | (3, 4) => "message trop volumineux",
        (4, 1) | (4, 2) => "le serveur destinataire ne répond pas",
        (4, 3) => "annuaire du domaine (DNS) injoignable",
        (4, 4) => "domaine introuvable",
        (4, 6) => "boucle d’acheminement entre serveurs",
        (4, 7) => "délai de remise dépassé",
        (7, 1) if class == 4 => {
            "mis en attente par la politique du serveur destinataire (liste grise ou filtrage)"
        }
        (7, 1) => "refusé par la politique du serveur destinataire (filtrage)",
        (7, 23) => "refusé car l’expéditeur n’est pas autorisé (SPF)",
        (7, 25) => "refusé car le serveur d’envoi n’a pas de nom (DNS inverse)",
        (7, 26) => "refusé car l’expéditeur n’est pas authentifié (SPF, DKIM ou DMARC)",
        _ => return None,
    })
}

fn finality(class: u8) -> &'static str {
    if class == 4 {
        "échec temporaire"
    } else {
        "refus définitif"
    }
}

fn area(subject: u16) -> Option<&'static str> {
    Some(match subject {
        1 => "adresse",
        2 => "boîte aux lettres",
        3 => "système de messagerie du destinataire",
        4 => "réseau ou acheminement",
        5 => "protocole",
        6 => "contenu du message",
        7 => "sécurité ou politique",
        _ => return None,
    })
}

fn from_code(code: u16) -> String {
    match code {
        421 => "échec temporaire (service du serveur destinataire indisponible)",
        450 => "échec temporaire (boîte aux lettres momentanément indisponible)",
        451 => "échec temporaire (erreur du serveur destinataire)",
        452 => "échec temporaire (espace insuffisant sur le serveur destinataire)",
        550 => "refus définitif (boîte aux lettres indisponible ou refusée)",
        551 => "refus définitif (destinataire inconnu de ce serveur)",
        552 => "refus définitif (espace de stockage dépassé)",
        553 => "refus définitif (adresse non autorisée)",
        554 => "refus définitif (transaction refusée)",
        200..=299 => "accepté",
        400..=499 => "échec temporaire",
        500..=599 => "refus définitif",
        _ => "réponse inattendue du serveur",
    }
    .into()
}
