//! The French an agent reads: each finding's sentence and the verdict's action.

use crate::model::uai::UaiError;

use super::{AttachedTo, DomainCheck, EstablishmentRef, Finding, NearKind, Verdict};

impl NearKind {
    fn label(self) -> &'static str {
        match self {
            NearKind::Typo => "lettre ajoutée, ôtée ou remplacée",
            NearKind::Swap => "lettres inversées",
            NearKind::Separator => "point, tiret ou tiret bas confondus",
            NearKind::Accent => "accents",
            NearKind::CePrefix => "préfixe «\u{a0}ce.\u{a0}»",
            NearKind::Domain => "faute dans le domaine",
        }
    }
}

/// "de Paris", "d’Amiens".
fn of(academie: &str) -> String {
    match academie.chars().next() {
        Some('A' | 'E' | 'I' | 'O' | 'U' | 'É' | 'Î') => format!("d’{academie}"),
        _ => format!("de {academie}"),
    }
}

fn named(establishment: &EstablishmentRef) -> String {
    format!("{} ({})", establishment.name, establishment.uai)
}

/// "rattachée à Lycée X (0750654D, adresse principale), Collège Y (…)".
fn attached_to(list: &[AttachedTo]) -> String {
    if list.is_empty() {
        return "rattachée à aucun établissement".into();
    }
    let names: Vec<String> = list
        .iter()
        .map(|a| {
            let principal = if a.principal {
                ", adresse principale"
            } else {
                ""
            };
            format!("{} ({}{principal})", a.name, a.uai)
        })
        .collect();
    format!("rattachée à {}", names.join(", "))
}

impl Finding {
    /// The finding in French, for the agent.
    pub fn message(&self) -> String {
        match self {
            Finding::Syntax { problem, repaired } => {
                let mut text = format!("Adresse invalide\u{a0}: {}.", problem.message());
                if let Some(repaired) = repaired {
                    text.push_str(&format!(" Sans cette erreur\u{a0}: {repaired}."));
                }
                text
            }
            Finding::Exact { establishments, .. } => {
                format!("Adresse connue, {}.", attached_to(establishments))
            }
            Finding::Functional {
                typed_uai,
                uai,
                uai_problem,
                establishment,
                academie,
                domain_check,
                expected,
                expected_account,
            } => {
                let mut text = match (establishment, uai) {
                    (Some(e), _) => format!(
                        "Adresse fonctionnelle de {}, académie {}",
                        named(e),
                        of(academie.as_deref().unwrap_or(&e.academie))
                    ),
                    (None, Some(uai)) => format!(
                        "Adresse fonctionnelle de l’UAI {uai}, qu’aucun établissement de la base ne porte"
                    ),
                    (None, None) => {
                        format!(
                            "Adresse fonctionnelle dont le code «\u{a0}{typed_uai}\u{a0}» n’est pas un UAI"
                        )
                    }
                };
                if let Some(problem) = uai_problem {
                    let problem = UaiError::from(*problem).message();
                    text.push_str(&format!(" ; dans «\u{a0}{typed_uai}\u{a0}», {problem}"));
                }
                match domain_check {
                    DomainCheck::Matches | DomainCheck::Unknown => {}
                    DomainCheck::Former { expected } => text.push_str(&format!(
                        " ; le domaine saisi est un ancien domaine de l’académie, encore accepté (adresse actuelle\u{a0}: {expected})"
                    )),
                    DomainCheck::OtherAcademie { academie, expected } => text.push_str(&format!(
                        " ; le domaine saisi est celui de l’académie {}, l’adresse attendue est {expected}",
                        of(academie)
                    )),
                    DomainCheck::NotAcademie { expected } => text.push_str(&format!(
                        " ; le domaine saisi n’est celui d’aucune académie, l’adresse attendue est {expected}"
                    )),
                }
                if let (Some(_), Some(expected)) = (expected_account, expected) {
                    text.push_str(&format!(" ; l’adresse {expected} est connue"));
                }
                text.push('.');
                text
            }
            Finding::UnknownAcademieDomain { domain, suggestion } => match suggestion {
                Some(suggestion) => format!(
                    "Le domaine {domain} n’est celui d’aucune académie\u{a0}: vouliez-vous dire {suggestion}\u{a0}?"
                ),
                None => format!("Le domaine {domain} n’est celui d’aucune académie."),
            },
            Finding::FormerAcademieDomain {
                domain,
                academie,
                current,
            } => format!(
                "{domain} est un ancien domaine de l’académie {}, encore accepté\u{a0}; le domaine actuel est {current}.",
                of(academie)
            ),
            Finding::Near {
                email,
                typos,
                kinds,
                establishments,
                ..
            } => {
                let kinds: Vec<&str> = kinds.iter().map(|k| k.label()).collect();
                let typos = match typos {
                    0 => String::new(),
                    1 => " — 1 faute de frappe".into(),
                    n => format!(" — {n} fautes de frappe"),
                };
                format!(
                    "Adresse proche\u{a0}: {email} ({}{typos}), {}.",
                    kinds.join(" ; "),
                    attached_to(establishments)
                )
            }
            Finding::OtherDomain {
                email,
                establishments,
                ..
            } => format!(
                "Même adresse à un autre domaine\u{a0}: {email}, {}.",
                attached_to(establishments)
            ),
            Finding::UnknownDomain { domain, suggestion } => format!(
                "Aucune adresse connue au domaine {domain}\u{a0}; le domaine connu le plus proche est {suggestion}."
            ),
            Finding::Lookalike { warning } => warning.clone(),
            Finding::OfficialMail {
                establishment,
                attached,
            } => format!(
                "Adresse officielle de {} dans l’Annuaire de l’éducation{}.",
                named(establishment),
                if *attached {
                    ""
                } else {
                    ", mais elle n’y est pas rattachée"
                }
            ),
        }
    }
}

impl Verdict {
    /// What the agent should do, in French.
    pub fn action(&self) -> String {
        match self {
            Verdict::Invalid {
                problem,
                repaired_known: None,
            } => format!(
                "Adresse invalide ({})\u{a0}: faites épeler l’adresse au correspondant.",
                problem.message()
            ),
            Verdict::Invalid {
                problem,
                repaired_known: Some(email),
            } => format!(
                "Adresse invalide ({})\u{a0}; sans cette erreur, c’est l’adresse connue {email}\u{a0}: faites corriger la saisie sur le portail.",
                problem.message()
            ),
            Verdict::Known { establishments, .. } => format!(
                "L’adresse est connue, {}\u{a0}: faites vérifier l’orthographe saisie sur le portail, ou envoyez un lien d’initialisation.",
                attached_to(establishments)
            ),
            Verdict::KnownUnattached { .. } => "L’adresse est connue mais n’est rattachée à aucun établissement\u{a0}: rattachez-la à l’établissement du correspondant.".into(),
            Verdict::KnownNotAttachedToNamed { establishment, .. } => format!(
                "L’adresse est connue mais n’est pas rattachée à {}, l’établissement qu’elle désigne\u{a0}: rattachez-la.",
                named(establishment)
            ),
            Verdict::AddFunctional {
                address,
                establishment,
            } => format!(
                "Adresse inconnue\u{a0}: ajoutez {address} et rattachez-la à {}.",
                named(establishment)
            ),
            Verdict::ProbablyMeant {
                email,
                establishments,
                ..
            } if establishments.is_empty() => format!(
                "Le correspondant a probablement voulu dire {email}, connue mais rattachée à aucun établissement\u{a0}: rattachez-la à l’établissement du correspondant."
            ),
            Verdict::ProbablyMeant {
                email,
                establishments,
                ..
            } => format!(
                "Le correspondant a probablement voulu dire {email} ({})\u{a0}: faites corriger l’adresse saisie sur le portail.",
                attached_to(establishments)
            ),
            Verdict::OtherDomain {
                email,
                establishments,
                ..
            } => format!(
                "La même adresse existe à un autre domaine\u{a0}: {email} ({}). Demandez au correspondant laquelle il utilise\u{a0}; si c’est celle saisie, ajoutez-la et rattachez-la à son établissement.",
                attached_to(establishments)
            ),
            Verdict::UnknownUai { uai } => format!(
                "Aucun établissement n’a l’UAI {uai}\u{a0}: vérifiez le code avec le correspondant avant d’ajouter l’adresse."
            ),
            Verdict::DomainTypo {
                domain,
                suggestion: Some(suggestion),
            } => format!(
                "Le domaine {domain} semble mal saisi (vouliez-vous dire {suggestion} ?)\u{a0}: faites vérifier l’adresse au correspondant."
            ),
            Verdict::DomainTypo {
                domain,
                suggestion: None,
            } => format!(
                "Le domaine {domain} n’existe pas\u{a0}: faites vérifier l’adresse au correspondant."
            ),
            Verdict::Unknown => "Adresse inconnue\u{a0}: ajoutez-la puis rattachez-la à l’établissement du correspondant.".into(),
        }
    }
}
