//! The diagnosis case by case, on a hand-made book of real lycées and on demo data.

use chrono::TimeZone;

use super::*;
use crate::demo::{self, DemoSize};

fn uai(text: &str) -> Uai {
    Uai::parse(text).expect("a valid UAI")
}

/// A book, the establishments the lookup knows, and the attachments the store would give.
#[derive(Default)]
struct Fixture {
    book: AddressBook,
    establishments: HashMap<Uai, EstablishmentRef>,
    attachments: Vec<Attachment>,
}

impl Fixture {
    /// Real lycées; addresses in the patterns establishments use.
    fn new() -> Fixture {
        let mut f = Fixture::default();
        f.establishment("0750654D", "Lycée Henri-IV", "Paris");
        f.establishment("0750655E", "Lycée Louis-le-Grand", "Paris");
        f.establishment("0930116W", "Lycée Henri-Wallon", "Créteil");
        f.establishment("0141112H", "Lycée agricole Le Robillard", "Normandie");
        f.establishment("0780004F", "Lycée agricole et horticole", "Versailles");
        f.address(1, "ce.0750654d@ac-paris.fr", &[("0750654D", true)]);
        f.address(2, "Jean.Dupont@gmail.com", &[("0750654D", false)]);
        f.address(3, "helene.martin@orange.fr", &[("0930116W", false)]);
        f.address(4, "secretariat.wallon@ac-creteil.fr", &[]);
        f.address(
            5,
            "marie-claire.durand@ac-versailles.fr",
            &[("0780004F", false)],
        );
        f.address(6, "ce.0930116w@ac-creteil.fr", &[("0930116W", true)]);
        f.address(7, "nathalie.bernard@gmail.com", &[("0930116W", false)]);
        f.address(8, "jb@gmail.com", &[]);
        f
    }

    fn establishment(&mut self, code: &str, name: &str, academie: &str) {
        self.establishments.insert(
            uai(code),
            EstablishmentRef {
                uai: uai(code),
                name: name.into(),
                academie: academie.into(),
            },
        );
    }

    fn address(&mut self, account_id: i32, email: &str, attached: &[(&str, bool)]) {
        self.book.upsert(account_id, email);
        for &(code, principal) in attached {
            let name = self.establishments[&uai(code)].name.clone();
            self.attachments.push(Attachment {
                account_id,
                establishment: AttachedTo {
                    uai: uai(code),
                    name,
                    principal,
                },
            });
        }
    }

    /// What the integrator does: diagnose, read the attachments of the named accounts,
    /// finish.
    fn diagnose(&self, input: &str) -> Diagnosis {
        let draft = self
            .book
            .diagnose(input, |uai| self.establishments.get(uai).cloned());
        let ids = draft.account_ids();
        let attachments = self
            .attachments
            .iter()
            .filter(|a| ids.contains(&a.account_id))
            .cloned();
        draft.finish(attachments)
    }
}

fn near(diagnosis: &Diagnosis) -> Vec<(i32, u32, Vec<NearKind>)> {
    diagnosis
        .findings
        .iter()
        .filter_map(|e| match &e.finding {
            Finding::Near {
                account_id,
                typos,
                kinds,
                ..
            } => Some((*account_id, *typos, kinds.clone())),
            _ => None,
        })
        .collect()
}

fn functional(diagnosis: &Diagnosis) -> Option<&Finding> {
    diagnosis
        .findings
        .iter()
        .map(|e| &e.finding)
        .find(|f| matches!(f, Finding::Functional { .. }))
}

fn has(diagnosis: &Diagnosis, wanted: impl Fn(&Finding) -> bool) -> bool {
    diagnosis.findings.iter().any(|e| wanted(&e.finding))
}

fn henri_iv(principal: bool) -> AttachedTo {
    AttachedTo {
        uai: uai("0750654D"),
        name: "Lycée Henri-IV".into(),
        principal,
    }
}

#[test]
fn a_known_address_ignoring_case_names_its_establishments() {
    let f = Fixture::new();
    let d = f.diagnose("  CE.0750654D@AC-PARIS.FR ");
    assert_eq!(d.normalised.as_deref(), Some("CE.0750654D@ac-paris.fr"));
    assert_eq!(
        d.verdict,
        Verdict::Known {
            account_id: 1,
            email: "ce.0750654d@ac-paris.fr".into(),
            establishments: vec![henri_iv(true)],
        }
    );
    assert!(matches!(
        d.findings[0].finding,
        Finding::Exact { account_id: 1, .. }
    ));
    assert!(
        d.action
            .contains("Lycée Henri-IV (0750654D, adresse principale)")
    );
    assert!(d.action.contains("lien d’initialisation"));

    let d = f.diagnose("jean.dupont@GMAIL.com");
    assert!(matches!(
        &d.verdict,
        Verdict::Known { account_id: 2, establishments, .. } if *establishments == [henri_iv(false)]
    ));
    assert!(!d.action.contains("principale"));
}

#[test]
fn a_known_address_attached_nowhere_is_to_attach() {
    let d = Fixture::new().diagnose("secretariat.wallon@ac-creteil.fr");
    assert_eq!(
        d.verdict,
        Verdict::KnownUnattached {
            account_id: 4,
            email: "secretariat.wallon@ac-creteil.fr".into()
        }
    );
    assert!(d.action.contains("rattachez-la"));
    assert!(d.findings[0].message.contains("aucun établissement"));
}

#[test]
fn a_known_functional_address_attached_elsewhere_is_to_attach_to_the_one_it_names() {
    let mut f = Fixture::new();
    f.address(9, "ce.0750655e@ac-paris.fr", &[("0750654D", false)]);
    let d = f.diagnose("ce.0750655e@ac-paris.fr");
    assert!(matches!(
        &d.verdict,
        Verdict::KnownNotAttachedToNamed { account_id: 9, establishment, .. }
            if establishment.uai == uai("0750655E")
    ));
    assert!(d.action.contains("Lycée Louis-le-Grand (0750655E)"));
}

#[test]
fn near_matches_of_every_kind_point_to_the_meant_address() {
    use NearKind::*;
    let f = Fixture::new();
    for (typed, account_id, kind) in [
        ("jean.dupond@gmail.com", 2, Typo),
        ("jean.duppont@gmail.com", 2, Typo),
        ("jean.dupon@gmail.com", 2, Typo),
        ("jaen.dupont@gmail.com", 2, Swap),
        ("jean-dupont@gmail.com", 2, Separator),
        ("jean_dupont@gmail.com", 2, Separator),
        ("hélène.martin@orange.fr", 3, Accent),
        ("ce.nathalie.bernard@gmail.com", 7, CePrefix),
        ("0750654d@ac-paris.fr", 1, CePrefix),
        ("jean.dupont@gmial.com", 2, Domain),
        ("jean.dupont@gmail.fr", 2, Domain),
        ("ce.0930116w@ac-creteil.com", 6, Domain),
        ("ce.0750654d@ac-pari.fr", 1, Domain),
        ("marie.claire.durand@ac-versailes.fr", 5, Domain),
    ] {
        let d = f.diagnose(typed);
        let found = near(&d);
        assert!(
            found
                .first()
                .is_some_and(|(id, _, kinds)| *id == account_id && kinds.contains(&kind)),
            "{typed}: {found:?}"
        );
        assert!(
            matches!(d.verdict, Verdict::ProbablyMeant { account_id: id, .. } if id == account_id),
            "{typed}: {:?}",
            d.verdict
        );
        assert!(
            d.action
                .starts_with("Le correspondant a probablement voulu dire")
        );
    }
    // Two differences at once are both named.
    let d = f.diagnose("marie.claire.durand@ac-versailes.fr");
    assert_eq!(near(&d)[0].2, [Separator, Domain]);
    assert_eq!(near(&d)[0].1, 1);
}

#[test]
fn near_matches_are_ranked_closest_first_a_swap_counting_one() {
    let book = AddressBook::build([
        (1, "jean.dupnd@free.fr".to_string()),  // 2 typos
        (2, "jean.dupond@free.fr".to_string()), // 1 typo
        (3, "jean.duopnt@free.fr".to_string()), // swapped letters
        (4, "jean-dupont@free.fr".to_string()), // separator only
    ]);
    let d = book.diagnose("jean.dupont@free.fr", |_| None).finish([]);
    let found = near(&d);
    assert_eq!(found.len(), 4, "{found:?}");
    assert_eq!(found[0].0, 4);
    assert_eq!(found[3].0, 1);
    let typos: Vec<u32> = found.iter().map(|(_, t, _)| *t).collect();
    assert_eq!(typos, [0, 1, 1, 2]);
    assert!(found.contains(&(3, 1, vec![NearKind::Swap])));
    assert!(d.findings.iter().any(|e| {
        e.message
            .contains("jean.duopnt@free.fr (lettres inversées — 1 faute de frappe)")
    }));
}

#[test]
fn a_very_different_address_has_no_near_match() {
    let f = Fixture::new();
    let d = f.diagnose("paul.lefebvre@gmail.com");
    assert!(near(&d).is_empty(), "{:?}", d.findings);
    assert_eq!(d.verdict, Verdict::Unknown);
    assert_eq!(
        d.action,
        "Adresse inconnue\u{a0}: ajoutez-la puis rattachez-la à l’établissement du correspondant."
    );
    // In a two-letter local part, one letter more is already another person.
    assert!(near(&f.diagnose("jd@gmail.com")).is_empty());
}

#[test]
fn the_same_local_part_at_another_domain_is_a_candidate() {
    let d = Fixture::new().diagnose("jean.dupont@orange.fr");
    assert!(has(&d, |f| matches!(
        f,
        Finding::OtherDomain { account_id: 2, .. }
    )));
    assert!(matches!(
        &d.verdict,
        Verdict::OtherDomain { account_id: 2, establishments, .. } if *establishments == [henri_iv(false)]
    ));
}

#[test]
fn a_functional_address_names_its_establishment_and_is_to_add() {
    let d = Fixture::new().diagnose("CE.0750655E@AC-PARIS.FR");
    let Some(Finding::Functional {
        uai: named,
        uai_problem,
        establishment,
        domain_check,
        ..
    }) = functional(&d)
    else {
        panic!("no functional finding: {:?}", d.findings);
    };
    assert_eq!(named.as_ref(), Some(&uai("0750655E")));
    assert_eq!(*uai_problem, None);
    assert_eq!(
        establishment.as_ref().map(|e| e.name.as_str()),
        Some("Lycée Louis-le-Grand")
    );
    assert_eq!(*domain_check, DomainCheck::Matches);
    // Henri-IV's ce.0750654d is one digit away but another establishment's address.
    assert!(near(&d).is_empty(), "{:?}", near(&d));
    assert_eq!(
        d.action,
        "Adresse inconnue\u{a0}: ajoutez ce.0750655e@ac-paris.fr et rattachez-la à Lycée Louis-le-Grand (0750655E)."
    );
}

#[test]
fn a_wrong_or_missing_check_letter_is_reported_and_corrected() {
    let f = Fixture::new();
    // Henri-IV's digits with a wrong letter: its known address is meant.
    let d = f.diagnose("ce.0750654e@ac-paris.fr");
    assert!(matches!(
        functional(&d),
        Some(Finding::Functional {
            uai: Some(named),
            uai_problem: Some(UaiProblem::WrongLetter { found: 'E', expected: 'D' }),
            expected_account: Some(1),
            ..
        }) if *named == uai("0750654D")
    ));
    assert!(
        near(&d)
            .iter()
            .any(|(id, typos, _)| *id == 1 && *typos == 1)
    );
    assert!(matches!(
        d.verdict,
        Verdict::ProbablyMeant { account_id: 1, .. }
    ));
    let message = &functional_message(&d);
    assert!(
        message.contains("«\u{a0}E\u{a0}» est fausse, la bonne est «\u{a0}D\u{a0}»"),
        "{message}"
    );

    let d = f.diagnose("ce.0750655@ac-paris.fr");
    assert!(matches!(
        functional(&d),
        Some(Finding::Functional {
            uai_problem: Some(UaiProblem::MissingLetter { expected: 'E' }),
            ..
        })
    ));
    assert!(matches!(
        &d.verdict,
        Verdict::AddFunctional { address, .. } if address == "ce.0750655e@ac-paris.fr"
    ));
}

fn functional_message(d: &Diagnosis) -> String {
    d.findings
        .iter()
        .find(|e| matches!(e.finding, Finding::Functional { .. }))
        .map(|e| e.message.clone())
        .unwrap_or_default()
}

#[test]
fn former_normandy_domains_are_accepted_but_named_as_former() {
    let f = Fixture::new();
    let d = f.diagnose("ce.0141112h@ac-caen.fr");
    assert!(matches!(
        functional(&d),
        Some(Finding::Functional { domain_check: DomainCheck::Former { expected }, .. })
            if expected == "ce.0141112h@ac-normandie.fr"
    ));
    assert!(matches!(
        &d.verdict,
        Verdict::AddFunctional { address, .. } if address == "ce.0141112h@ac-caen.fr"
    ));
    assert!(functional_message(&d).contains("ancien domaine"));
    assert!(!has(&d, |f| matches!(
        f,
        Finding::FormerAcademieDomain { .. }
    )));

    let d = f.diagnose("jean.dupont@ac-rouen.fr");
    assert!(has(&d, |f| matches!(
        f,
        Finding::FormerAcademieDomain { academie, current, .. }
            if academie == "Normandie" && current == "ac-normandie.fr"
    )));
}

#[test]
fn a_functional_address_at_another_academie_expects_its_own_domain() {
    let f = Fixture::new();
    let d = f.diagnose("ce.0750655e@ac-creteil.fr");
    assert!(matches!(
        functional(&d),
        Some(Finding::Functional {
            domain_check: DomainCheck::OtherAcademie { academie, expected },
            ..
        }) if academie == "Créteil" && expected == "ce.0750655e@ac-paris.fr"
    ));
    assert!(matches!(
        &d.verdict,
        Verdict::AddFunctional { address, .. } if address == "ce.0750655e@ac-paris.fr"
    ));

    // Henri-IV's address is known at the right domain: that is the one meant.
    let d = f.diagnose("ce.0750654d@ac-creteil.fr");
    assert!(has(&d, |f| matches!(
        f,
        Finding::OtherDomain { account_id: 1, .. }
    )));
    assert!(matches!(
        &d.verdict,
        Verdict::ProbablyMeant { account_id: 1, establishments, .. } if *establishments == [henri_iv(true)]
    ));

    let d = f.diagnose("ce.0750655e@gmail.com");
    assert!(matches!(
        functional(&d),
        Some(Finding::Functional {
            domain_check: DomainCheck::NotAcademie { .. },
            ..
        })
    ));
}

#[test]
fn a_uai_no_establishment_has_is_to_check() {
    let code = Uai::from_parts(93, 1234);
    let d = Fixture::new().diagnose(&format!("ce.{code}@ac-creteil.fr"));
    assert!(matches!(
        functional(&d),
        Some(Finding::Functional {
            establishment: None,
            domain_check: DomainCheck::Matches,
            ..
        })
    ));
    assert_eq!(d.verdict, Verdict::UnknownUai { uai: code });
}

#[test]
fn an_academie_like_domain_that_does_not_exist_gets_the_closest() {
    let mut f = Fixture::new();
    // One typo away from ac-lyon.fr, which no known address uses.
    f.book.upsert(21, "ancien.contact@ac-lyon.com");
    let d = f.diagnose("paul.lefebvre@ac-pariss.fr");
    assert!(has(&d, |f| matches!(
        f,
        Finding::UnknownAcademieDomain { suggestion: Some(s), .. } if s == "ac-paris.fr"
    )));
    assert!(matches!(
        &d.verdict,
        Verdict::DomainTypo { suggestion: Some(s), .. } if s == "ac-paris.fr"
    ));
    let d = f.diagnose("paul.lefebvre@ac-atlantide.fr");
    assert!(has(&d, |f| matches!(
        f,
        Finding::UnknownAcademieDomain {
            suggestion: None,
            ..
        }
    )));
    // A real académie's domain is not reported, with or without known addresses there.
    for domain in ["ac-paris.fr", "ac-lyon.fr", "ac-lille.fr"] {
        let d = f.diagnose(&format!("paul.lefebvre@{domain}"));
        assert_eq!(d.verdict, Verdict::Unknown, "{domain}");
    }
}

#[test]
fn an_unused_domain_next_to_a_known_one_is_a_domain_typo() {
    let d = Fixture::new().diagnose("paul.lefebvre@gmial.com");
    assert!(matches!(
        &d.verdict,
        Verdict::DomainTypo { domain, suggestion: Some(s) } if domain == "gmial.com" && s == "gmail.com"
    ));
}

#[test]
fn bad_input_says_what_is_wrong() {
    let f = Fixture::new();
    for (input, problem) in [
        ("", SyntaxProblem::Empty),
        ("   ", SyntaxProblem::Empty),
        ("jean.dupont.gmail.com", SyntaxProblem::MissingAt),
        (
            "jean@dupont@gmail.com",
            SyntaxProblem::SeveralAt { count: 2 },
        ),
        ("paul lefebvre@gmail.com", SyntaxProblem::Space),
        ("@gmail.com", SyntaxProblem::EmptyLocalPart),
        ("paul@gmail", SyntaxProblem::DomainWithoutDot),
    ] {
        let d = f.diagnose(input);
        assert_eq!(d.syntax.as_ref(), Some(&problem), "{input:?}");
        assert_eq!(d.normalised, None);
        assert!(
            matches!(&d.verdict, Verdict::Invalid { problem: p, repaired_known: None } if *p == problem),
            "{input:?}: {:?}",
            d.verdict
        );
        assert!(d.action.contains(&problem.message()), "{}", d.action);
    }
    // A slip that hides a known address: say which.
    let d = f.diagnose("jean.dupont@gmail.com.");
    assert!(matches!(
        &d.verdict,
        Verdict::Invalid { problem: SyntaxProblem::TrailingDot, repaired_known: Some(email) }
            if email == "Jean.Dupont@gmail.com"
    ));
    assert!(d.action.contains("Jean.Dupont@gmail.com"));
    let d = f.diagnose("jean .dupont@gmail.com");
    assert!(matches!(
        &d.verdict,
        Verdict::Invalid {
            problem: SyntaxProblem::Space,
            repaired_known: Some(_)
        }
    ));
}

#[test]
fn internationalised_domains_are_valid_and_compared_in_lower_case() {
    let mut f = Fixture::new();
    f.address(20, "contact@école.fr", &[("0750654D", false)]);
    let d = f.diagnose("CONTACT@ÉCOLE.FR");
    assert_eq!(d.syntax, None);
    assert_eq!(d.normalised.as_deref(), Some("CONTACT@école.fr"));
    assert!(matches!(d.verdict, Verdict::Known { account_id: 20, .. }));
    let d = f.diagnose("contact@ecole.fr");
    assert!(
        near(&d)
            .iter()
            .any(|(id, _, kinds)| *id == 20 && kinds.contains(&NearKind::Domain))
    );
}

#[test]
fn upserts_and_removals_change_the_diagnosis() {
    let mut f = Fixture::new();
    f.book.upsert(2, "jean.dupont@laposte.net");
    let d = f.diagnose("jean.dupont@gmail.com");
    assert!(matches!(
        d.verdict,
        Verdict::OtherDomain { account_id: 2, .. }
    ));
    f.book.upsert(30, "jean.dupont@gmail.com");
    assert!(matches!(
        f.diagnose("jean.dupont@gmail.com").verdict,
        Verdict::KnownUnattached { account_id: 30, .. }
    ));
    assert!(f.book.remove(30));
    assert!(f.book.remove(2));
    assert_eq!(
        f.diagnose("jean.dupont@gmail.com").verdict,
        Verdict::Unknown
    );
    assert_eq!(f.book.len(), 7);
}

#[test]
fn the_draft_asks_only_for_the_accounts_it_names() {
    let f = Fixture::new();
    let draft = f.book.diagnose("ce.0750654e@ac-paris.fr", |u| {
        f.establishments.get(u).cloned()
    });
    assert_eq!(draft.account_ids(), [1]);
    assert_eq!(
        functional_uai(" CE.0750654E@ac-paris.fr "),
        Some(uai("0750654D"))
    );
    assert_eq!(functional_uai("ce.secretariat@ac-paris.fr"), None);
    assert_eq!(functional_uai("cecile.martin@gmail.com"), None);
}

#[test]
fn serialises_with_a_kind_tag_for_the_ui() {
    let d = Fixture::new().diagnose("jean-dupont@gmail.com");
    let json = serde_json::to_value(&d).expect("serialisable");
    assert_eq!(json["verdict"]["kind"], "probably_meant");
    assert_eq!(json["findings"][0]["finding"]["kind"], "near");
    assert_eq!(json["findings"][0]["finding"]["kinds"][0], "separator");
    assert!(
        json["findings"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("Jean.Dupont@gmail.com"))
    );
}

/// Swaps the two characters after the middle of the local part, when they differ.
fn swap_in_local(email: &str) -> Option<String> {
    let (local, domain) = email.split_once('@')?;
    let mut chars: Vec<char> = local.chars().collect();
    let i = chars.len() / 2;
    if i + 1 >= chars.len() || chars[i] == chars[i + 1] || !chars[i].is_alphanumeric() {
        return None;
    }
    chars.swap(i, i + 1);
    Some(format!(
        "{}@{domain}",
        chars.into_iter().collect::<String>()
    ))
}

#[test]
fn demo_addresses_are_recognised_exactly_and_through_a_swap() {
    let now = chrono::Utc
        .with_ymd_and_hms(2026, 11, 25, 9, 0, 0)
        .single()
        .expect("instant");
    let size = DemoSize {
        establishments: 300,
        accounts: 3_000,
    };
    let (batch, _) = demo::generate(size, 7, chrono_tz::Europe::Paris, now).expect("demo data");
    let mut f = Fixture::default();
    for e in &batch.establishments {
        f.establishment(e.uai.as_str(), &e.name, &e.academie);
    }
    f.book = AddressBook::build(batch.accounts.iter().map(|a| (a.id, a.email.as_str())));
    for a in &batch.attachments {
        let principal = batch.principals.contains(&(a.uai.clone(), a.account_id));
        f.attachments.push(Attachment {
            account_id: a.account_id,
            establishment: AttachedTo {
                uai: a.uai.clone(),
                name: f.establishments[&a.uai].name.clone(),
                principal,
            },
        });
    }
    assert_eq!(f.book.len(), batch.accounts.len());
    let (mut swapped, mut unattached) = (0, 0);
    for account in batch.accounts.iter().step_by(7) {
        let attached = batch.attachments.iter().any(|a| a.account_id == account.id);
        let d = f.diagnose(&account.email.to_uppercase());
        match d.verdict {
            Verdict::Known { account_id, .. } => {
                assert!(attached);
                assert_eq!(account_id, account.id);
            }
            Verdict::KnownUnattached { account_id, .. } => {
                assert!(!attached);
                assert_eq!(account_id, account.id);
                unattached += 1;
            }
            other => panic!("{}: {other:?}", account.email),
        }
        let Some(typed) = swap_in_local(&account.email) else {
            continue;
        };
        let d = f.diagnose(&typed);
        assert!(
            near(&d)
                .iter()
                .any(|(id, typos, _)| *id == account.id && *typos == 1),
            "{typed}: {:?}",
            near(&d)
        );
        swapped += 1;
    }
    // The sample covered both kinds of known address and many swaps.
    assert!(unattached > 0);
    assert!(swapped > 200, "{swapped}");
}

/// The kinds of a diagnosis's steps, and the address or UAI each is filled with.
fn steps(d: &Diagnosis) -> Vec<(&'static str, String)> {
    d.steps
        .iter()
        .map(|s| match &s.step {
            NextStep::Attach {
                email,
                known,
                establishment,
            } => (
                if *known { "attach" } else { "add" },
                format!(
                    "{email}>{}",
                    establishment.as_ref().map_or("?", |e| e.uai.as_str())
                ),
            ),
            NextStep::UseSpelling { email } => ("spelling", email.clone()),
            NextStep::Open { establishment } => ("open", establishment.uai.to_string()),
            NextStep::SendLink { email } => ("send", email.clone()),
        })
        .collect()
}

#[test]
fn every_verdict_that_knows_what_to_do_comes_with_its_step_pre_filled() {
    let mut f = Fixture::new();
    f.address(9, "ce.0750655e@ac-paris.fr", &[("0750654D", false)]);
    let unknown_uai = format!("ce.{}@ac-creteil.fr", Uai::from_parts(93, 1234)).to_lowercase();
    let unknown_uai_step = format!("{unknown_uai}>?");
    let cases: Vec<(&str, Vec<(&str, &str)>)> = vec![
        // Known: a link to it, and its establishment.
        (
            "ce.0750654d@ac-paris.fr",
            vec![("send", "ce.0750654d@ac-paris.fr"), ("open", "0750654D")],
        ),
        // Known, attached nowhere: attach it where the agent chooses.
        (
            "secretariat.wallon@ac-creteil.fr",
            vec![("attach", "secretariat.wallon@ac-creteil.fr>?")],
        ),
        // Attached elsewhere: attach it to the one it names.
        (
            "ce.0750655e@ac-paris.fr",
            vec![("attach", "ce.0750655e@ac-paris.fr>0750655E")],
        ),
        // A typo: the meant spelling, and where that one is attached.
        (
            "jean.dupnot@gmail.com",
            vec![("spelling", "Jean.Dupont@gmail.com"), ("open", "0750654D")],
        ),
        // Another domain: the known one, or the typed one added, and where the known one is.
        (
            "jean.dupont@orange.fr",
            vec![
                ("spelling", "Jean.Dupont@gmail.com"),
                ("add", "jean.dupont@orange.fr>?"),
                ("open", "0750654D"),
            ],
        ),
        // A mistyped domain: the same local part at the right one.
        (
            "paul.lefebvre@gmial.com",
            vec![("spelling", "paul.lefebvre@gmail.com")],
        ),
        // Never added: add it where the agent chooses.
        (
            "paul.lefebvre@gmail.com",
            vec![("add", "paul.lefebvre@gmail.com>?")],
        ),
        // A UAI no establishment has: add it where the agent chooses, once checked.
        (&unknown_uai, vec![("add", &unknown_uai_step)]),
        // A domain that exists nowhere: nothing to do but ask again.
        ("paul.lefebvre@ac-atlantide.fr", vec![]),
    ];
    for (input, expected) in cases {
        let d = f.diagnose(input);
        let got = steps(&d);
        let got: Vec<(&str, &str)> = got.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(got, expected, "{input}: {:?}", d.verdict);
        assert!(d.steps.iter().all(|s| !s.label.is_empty()), "{input}");
    }
}

#[test]
fn a_functional_address_to_add_is_attached_to_the_establishment_it_names() {
    let d = Fixture::new().diagnose("CE.0750655E@AC-PARIS.FR");
    assert_eq!(
        steps(&d),
        [("add", "ce.0750655e@ac-paris.fr>0750655E".to_string())]
    );
    assert_eq!(
        d.steps[0].label,
        "Ajouter ce.0750655e@ac-paris.fr et la rattacher à Lycée Louis-le-Grand (0750655E)…"
    );
}

#[test]
fn an_establishment_s_official_address_is_to_attach_there_first_unless_it_is() {
    let f = Fixture::new();
    let wallon = f.establishments[&uai("0930116W")].clone();
    let d = f
        .diagnose("secretariat.wallon@ac-creteil.fr")
        .with_official(vec![wallon.clone()]);
    let attach_there = NextStep::Attach {
        email: "secretariat.wallon@ac-creteil.fr".into(),
        known: true,
        establishment: Some(wallon.clone()),
    };
    assert_eq!(d.steps[0].step, attach_there);
    assert_eq!(
        d.steps[0].label,
        "Rattacher secretariat.wallon@ac-creteil.fr à Lycée Henri-Wallon (0930116W)…"
    );
    // The verdict's own step (attach where the agent chooses) still follows.
    assert!(d.steps[1..].iter().all(|s| s.step != attach_there));
    assert_eq!(
        d.findings[0].message,
        "Adresse officielle de Lycée Henri-Wallon (0930116W) dans l’Annuaire de l’éducation, mais elle n’y est pas rattachée."
    );

    // Unknown to the base: added there.
    let d = f
        .diagnose("Accueil.Wallon@ac-creteil.fr")
        .with_official(vec![wallon.clone()]);
    assert!(matches!(
        &d.steps[0].step,
        NextStep::Attach { email, known: false, establishment: Some(e) }
            if email == "Accueil.Wallon@ac-creteil.fr" && e.uai == wallon.uai
    ));

    // Already attached there: said, and nothing to do about it.
    let d = f
        .diagnose("nathalie.bernard@gmail.com")
        .with_official(vec![wallon.clone()]);
    assert!(matches!(
        d.findings[0].finding,
        Finding::OfficialMail { attached: true, .. }
    ));
    assert!(
        d.findings[0]
            .message
            .ends_with("dans l’Annuaire de l’éducation.")
    );
    assert!(
        !d.steps
            .iter()
            .any(|s| matches!(&s.step, NextStep::Attach { .. }))
    );

    // No establishment's official address: the diagnosis as it was.
    let plain = f.diagnose("jb@gmail.com");
    assert_eq!(plain.clone().with_official(Vec::new()), plain);
}
