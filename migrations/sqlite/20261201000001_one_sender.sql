-- One sender, as on PostgreSQL: agents ask for links; the sender (the desktop app, or
-- `guichet-admin sender`) mints each token right before its message leaves. SQLite cannot drop
-- a NOT NULL or change a CHECK: reset_link and mail_outbox are rebuilt, their rows and ids kept.
-- The foreign keys to them are checked at commit, once the new tables hold every row.
PRAGMA defer_foreign_keys = ON;

-- A link is asked for (account, time, agent) and minted by the sender, which sets its selector,
-- its expiry and the SHA-256 of its whole token. The verifier itself is never stored in clear.
CREATE TABLE reset_link_new (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id   INTEGER NOT NULL REFERENCES account (id),
    selector     VARCHAR(20) UNIQUE,
    requested_at TEXT NOT NULL,
    expires_at   TEXT CHECK (expires_at > requested_at),
    agent_id     INTEGER REFERENCES agent (id),
    -- Set when a newer link for the same address deleted this one's request.
    replaced_at  TEXT,
    -- Set when the request was seen gone before expiry without the app deleting it.
    used_at      TEXT,
    minted_at    TEXT,
    token_sha256 TEXT CHECK (length(token_sha256) = 64 AND token_sha256 NOT GLOB '*[^0-9a-f]*'),
    CHECK ((selector IS NULL) = (expires_at IS NULL) AND (selector IS NULL) = (minted_at IS NULL))
);
-- Links of earlier versions were minted when they were asked for.
INSERT INTO reset_link_new (id, account_id, selector, requested_at, expires_at, agent_id, replaced_at, used_at, minted_at)
    SELECT id, account_id, selector, requested_at, expires_at, agent_id, replaced_at, used_at, requested_at
    FROM reset_link;
DROP TABLE reset_link;
ALTER TABLE reset_link_new RENAME TO reset_link;
CREATE INDEX reset_link_account ON reset_link (account_id, requested_at);

-- 'dropped': the link was replaced by a newer one before its message left, so it never left.
-- A message is claimed by one live sender ('sending', claimed_by) right before it is sent; a
-- sender that died leaves it to be sent again, identical (same bytes, same Message-ID).
CREATE TABLE mail_outbox_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at      TEXT NOT NULL,
    recipient       TEXT NOT NULL CHECK (recipient LIKE '_%@_%'),
    reset_link_id   INTEGER REFERENCES reset_link (id),
    state           TEXT NOT NULL DEFAULT 'waiting'
                    CHECK (state IN ('waiting', 'sending', 'sent', 'failed', 'dropped')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at TEXT NOT NULL,
    -- The server's reply to the last attempt (accepted or refused), or why it could not be reached.
    last_reply      TEXT,
    sent_at         TEXT,
    message_id      TEXT,
    claimed_by      INTEGER,
    CHECK ((state = 'sent') = (sent_at IS NOT NULL))
);
-- Earlier versions could not send a message again identically: theirs stay failed.
INSERT INTO mail_outbox_new (id, created_at, recipient, reset_link_id, state, attempts, next_attempt_at, last_reply, sent_at)
    SELECT id, created_at, recipient, reset_link_id,
           CASE state WHEN 'sending' THEN 'failed' ELSE state END, attempts, next_attempt_at,
           CASE state WHEN 'sending'
               THEN 'Envoi interrompu (le Guichet s’est arrêté pendant l’envoi) : le message a pu partir.'
               ELSE last_reply END,
           sent_at
    FROM mail_outbox;
DROP TABLE mail_outbox;
ALTER TABLE mail_outbox_new RENAME TO mail_outbox;
CREATE INDEX mail_outbox_due ON mail_outbox (state, next_attempt_at);
-- One message per link: the sender mints a link for its one message.
CREATE UNIQUE INDEX mail_outbox_reset_link ON mail_outbox (reset_link_id);

-- The message as it will be sent, from its minting until the server accepts it (or it fails for
-- good), sealed with a key derived from the portal's signing key: the database file gives no
-- pending link.
CREATE TABLE mail_secret (
    outbox_id INTEGER PRIMARY KEY REFERENCES mail_outbox (id),
    sealed    BLOB NOT NULL
);

-- Every running sender, its heartbeat, and why the links do not leave when they do not.
CREATE TABLE mail_sender (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    host          TEXT NOT NULL,
    pid           INTEGER NOT NULL,
    login         TEXT NOT NULL,
    started_at    TEXT NOT NULL,
    heartbeat_at  TEXT NOT NULL,
    problem       TEXT,
    problem_since TEXT
);

-- The sending settings a supervisor changed (absent: the default).
CREATE TABLE sending_setting (
    name  TEXT PRIMARY KEY CHECK (name IN ('portal_url', 'portal_timezone', 'link_lifetime_seconds',
                                           'mail_from', 'smtp_url')),
    value TEXT NOT NULL,
    CHECK (name <> 'portal_url' OR value LIKE 'https://_%'),
    CHECK (name <> 'link_lifetime_seconds' OR (value GLOB '[1-9]*' AND value NOT GLOB '*[^0-9]*'
                                               AND length(value) <= 5))
);

-- Windows follow a message through the change log: each change of its state (but the claim)
-- is a change of its account's links.
CREATE TRIGGER mail_outbox_log_state AFTER UPDATE OF state ON mail_outbox
WHEN OLD.state IS NOT NEW.state AND NEW.state <> 'sending'
BEGIN
    INSERT INTO change_log (entity, key)
        SELECT 'reset', CAST(l.account_id AS TEXT) FROM reset_link l WHERE l.id = NEW.reset_link_id;
END;
