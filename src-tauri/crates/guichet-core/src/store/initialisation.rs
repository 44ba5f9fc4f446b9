//! The « Suivi des initialisations »: the facts of each establishment's principal address over
//! a population, counted by group or listed. The states themselves are the domain's
//! (`InitState::of`); the SQL only gathers the facts.

use chrono::NaiveDateTime;

use super::establishments::uai;
use super::{Backend, Store, on_pool};
use crate::error::{Error, Result};
use crate::initialisation::{
    EstablishmentState, FactsPattern, InitState, Population, PrincipalFacts, StateCounts,
};

/// Each establishment of the population (`{population}`, placeholders from `$2`) with the facts
/// of its principal address; `$1` is the portal's clock now, before which a valid link does not
/// expire. `{latest}` joins the newest link's expiry as `l.latest`.
const FACTS: &str = "SELECT uai, name, town, academie, principal_email, principal_account_id,
        COALESCE(closed_on <= $1, FALSE) AS closed,
        principal_account_id IS NOT NULL AS has_principal,
        COALESCE(initialised, FALSE) AS initialised,
        latest IS NOT NULL AS has_link,
        COALESCE(latest > $1, FALSE) AS link_valid
    FROM (SELECT e.uai, e.name, e.town, e.academie, e.principal_account_id, e.closed_on,
                 a.email AS principal_email, i.initialised, {latest}
          FROM establishment e
          LEFT JOIN account a ON a.id = e.principal_account_id
          LEFT JOIN account_initialised i ON i.id = e.principal_account_id
          {latest_join}
          WHERE TRUE {population}) p";

/// The newest link of each principal address, as each planner reads it fastest: PostgreSQL
/// hashes one aggregate of the requests (0.3 s for 100,000 establishments, where a subquery per
/// establishment takes 0.8 s); SQLite looks each up through the index on
/// `reset_password_request (user_id)`, which lets a state's list stop at its limit.
pub(super) fn facts(backend: Backend, filter: &str) -> String {
    let (latest, join) = match backend {
        Backend::Postgres => (
            "l.latest",
            "LEFT JOIN (SELECT r.user_id, max(r.expires_at) AS latest FROM reset_password_request r
                       GROUP BY r.user_id) l ON l.user_id = e.principal_account_id",
        ),
        Backend::Sqlite => (
            "(SELECT max(r.expires_at) FROM reset_password_request r
              WHERE r.user_id = e.principal_account_id) AS latest",
            "",
        ),
    };
    FACTS
        .replace("{latest_join}", join)
        .replace("{latest}", latest)
        .replace("{population}", filter)
}

/// The facts columns of [`FACTS`].
#[derive(sqlx::FromRow)]
pub(super) struct FactsRow {
    has_principal: bool,
    initialised: bool,
    has_link: bool,
    link_valid: bool,
}

impl FactsRow {
    pub(super) fn state(&self) -> InitState {
        InitState::of(PrincipalFacts {
            has_principal: self.has_principal,
            initialised: self.initialised,
            has_link: self.has_link,
            link_valid: self.link_valid,
        })
    }
}

#[derive(sqlx::FromRow)]
struct GroupRow {
    #[sqlx(flatten)]
    facts: FactsRow,
    n: i64,
}

#[derive(sqlx::FromRow)]
struct EstablishmentRow {
    uai: String,
    name: String,
    town: String,
    academie: String,
    principal_email: Option<String>,
    #[sqlx(flatten)]
    facts: FactsRow,
}

/// The population's filters as SQL conditions on `e`, with placeholders from `$2`, and the
/// values to bind to them in order.
pub(super) fn population_filter(population: &Population) -> (String, Vec<&str>) {
    let filters: [(&str, Vec<&str>); 4] = [
        (
            "e.academie",
            population.academies.iter().map(String::as_str).collect(),
        ),
        (
            "e.department",
            population.departments.iter().map(String::as_str).collect(),
        ),
        (
            "e.kind",
            population.kinds.iter().map(|k| k.code()).collect(),
        ),
        (
            "e.sector",
            population.sectors.iter().map(|s| s.code()).collect(),
        ),
    ];
    let mut sql = String::new();
    let mut values = Vec::new();
    for (column, list) in filters.into_iter().filter(|(_, list)| !list.is_empty()) {
        let first = values.len() + 2;
        let placeholders: Vec<String> = (first..first + list.len())
            .map(|n| format!("${n}"))
            .collect();
        sql.push_str(&format!(" AND {column} IN ({})", placeholders.join(", ")));
        values.extend(list);
    }
    (sql, values)
}

impl Store {
    /// How many establishments of `population` are in each state, the portal's clock being
    /// `now_at_portal`.
    pub async fn initialisation_counts(
        &self,
        population: &Population,
        now_at_portal: NaiveDateTime,
    ) -> Result<StateCounts> {
        let (filter, values) = population_filter(population);
        let sql = format!(
            "SELECT has_principal, initialised, has_link, link_valid, count(*) AS n FROM ({}) f
             GROUP BY has_principal, initialised, has_link, link_valid",
            facts(self.backend(), &filter)
        );
        let groups: Vec<GroupRow> = on_pool!(self, pool => {
            let mut query = sqlx::query_as(&sql).bind(now_at_portal);
            for value in &values {
                query = query.bind(*value);
            }
            query.fetch_all(pool).await?
        });
        let mut counts = StateCounts::default();
        for group in groups {
            let n = u32::try_from(group.n)
                .map_err(|_| Error::Internal(format!("count out of range: {}", group.n)))?;
            counts.add(group.facts.state(), n);
        }
        Ok(counts)
    }

    /// The establishments of `population` in `state` (all of them with `None`), by UAI, at most
    /// `limit`.
    pub async fn initialisation_establishments(
        &self,
        population: &Population,
        state: Option<InitState>,
        now_at_portal: NaiveDateTime,
        limit: u32,
    ) -> Result<Vec<EstablishmentState>> {
        let (filter, values) = population_filter(population);
        let sql = format!(
            "SELECT * FROM ({}) f WHERE TRUE{} ORDER BY uai LIMIT {limit}",
            facts(self.backend(), &filter),
            state
                .map(|s| pattern_filter(s.pattern()))
                .unwrap_or_default()
        );
        let rows: Vec<EstablishmentRow> = on_pool!(self, pool => {
            let mut query = sqlx::query_as(&sql).bind(now_at_portal);
            for value in &values {
                query = query.bind(*value);
            }
            query.fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|row| {
                Ok(EstablishmentState {
                    state: row.facts.state(),
                    uai: uai(row.uai)?,
                    name: row.name,
                    town: row.town,
                    academie: row.academie,
                    principal_email: row.principal_email,
                })
            })
            .collect()
    }
}

/// A state's pattern as literal conditions on the facts: booleans only, nothing typed by anyone.
pub(super) fn pattern_filter(pattern: FactsPattern) -> String {
    let facts = [
        ("has_principal", Some(pattern.has_principal)),
        ("initialised", pattern.initialised),
        ("has_link", pattern.has_link),
        ("link_valid", pattern.link_valid),
    ];
    facts
        .into_iter()
        .filter_map(|(column, wanted)| {
            wanted.map(|wanted| format!(" AND {}{column}", if wanted { "" } else { "NOT " }))
        })
        .collect()
}
