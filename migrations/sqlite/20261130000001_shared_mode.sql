-- The mode of the database, as on PostgreSQL. A SQLite database is always standalone: shared
-- mode (each agent a PostgreSQL role) exists on PostgreSQL only.
CREATE TABLE guichet_mode (
    only_row INTEGER PRIMARY KEY DEFAULT 1 CHECK (only_row = 1),
    mode     TEXT NOT NULL CHECK (mode = 'standalone')
);
INSERT INTO guichet_mode (mode) VALUES ('standalone');

-- Whether an account's portal password is set, without its hash (as on PostgreSQL, where the
-- agents' roles read this view and never account.password).
CREATE VIEW account_initialised AS
    SELECT id, password IS NOT NULL AS initialised FROM account;
