//! A connection of the test's own to a database the app works on, for what a test reads or
//! writes beside the app: a row the portal would write, a dump searched for secrets, a fault
//! planted. The app's own connections stay inside the core.

use sqlx::{PgPool, SqlitePool};

#[derive(Debug, Clone)]
pub enum Sql {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Sql {
    /// Connects to `url` (`sqlite://…` or `postgres://…`), which must exist.
    pub async fn open(url: &str) -> Sql {
        if url.starts_with("sqlite:") {
            let options: sqlx::sqlite::SqliteConnectOptions = url.parse().expect("SQLite URL");
            Sql::Sqlite(
                sqlx::sqlite::SqlitePoolOptions::new()
                    .max_connections(2)
                    .connect_with(options.busy_timeout(std::time::Duration::from_secs(10)))
                    .await
                    .expect("SQLite opens"),
            )
        } else {
            Sql::Postgres(
                sqlx::postgres::PgPoolOptions::new()
                    .max_connections(2)
                    .connect(url)
                    .await
                    .expect("PostgreSQL reachable"),
            )
        }
    }

    /// The database `guichet` works on, as its settings name it.
    pub async fn of(guichet: &guichet_core::Guichet) -> Sql {
        Sql::open(&guichet.settings().effective_database_url()).await
    }

    /// Runs one statement, whatever it returns.
    pub async fn execute(&self, sql: &str) {
        self.try_execute(sql).await.expect(sql);
    }

    pub async fn try_execute(&self, sql: &str) -> Result<(), sqlx::Error> {
        match self {
            Sql::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()),
            Sql::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()),
        }
    }

    /// How many rows `table` holds.
    pub async fn count(&self, table: &str) -> i64 {
        self.number(&format!("SELECT count(*) FROM {table}")).await
    }

    /// The number a query of one row and one column gives (a `count(*)`).
    pub async fn number(&self, sql: &str) -> i64 {
        match self {
            Sql::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
            Sql::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
        }
        .unwrap_or_else(|error| panic!("{sql}: {error}"))
    }

    /// The texts a query of one column gives, in its order.
    pub async fn texts(&self, sql: &str) -> Vec<String> {
        match self {
            Sql::Sqlite(pool) => sqlx::query_scalar(sql).fetch_all(pool).await,
            Sql::Postgres(pool) => sqlx::query_scalar(sql).fetch_all(pool).await,
        }
        .unwrap_or_else(|error| panic!("{sql}: {error}"))
    }

    pub async fn close(&self) {
        match self {
            Sql::Sqlite(pool) => pool.close().await,
            Sql::Postgres(pool) => pool.close().await,
        }
    }
}
