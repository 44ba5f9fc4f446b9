//! What a database is to the app: its engine and its mode.

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// How agents reach the database: a property of the database itself, recorded in
/// `guichet_mode` and chosen once by `guichet-admin migrate --shared`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// One PC: agents sign in against the app's own table (argon2id), on SQLite or PostgreSQL.
    Standalone,
    /// PostgreSQL, many PCs: each agent is a PostgreSQL login role, and the database allows
    /// exactly what the agent's role allows.
    Shared,
}

/// Whether opening a SQLite database may create its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    MustExist,
    CreateIfMissing,
}
