-- The account database: establishments, the portal's accounts and reset requests, agents,
-- audit journal and mail outbox. Rules the data must obey are constraints, not only code.
-- Times of our own tables are RFC 3339 text in UTC; the portal's table keeps its own format.

CREATE TABLE academie (
    name        TEXT PRIMARY KEY,
    mail_domain TEXT NOT NULL UNIQUE CHECK (mail_domain = lower(mail_domain))
);

INSERT INTO academie (name, mail_domain) VALUES
    ('Aix-Marseille', 'ac-aix-marseille.fr'),
    ('Amiens', 'ac-amiens.fr'),
    ('Besançon', 'ac-besancon.fr'),
    ('Bordeaux', 'ac-bordeaux.fr'),
    ('Clermont-Ferrand', 'ac-clermont.fr'),
    ('Corse', 'ac-corse.fr'),
    ('Créteil', 'ac-creteil.fr'),
    ('Dijon', 'ac-dijon.fr'),
    ('Grenoble', 'ac-grenoble.fr'),
    ('Lille', 'ac-lille.fr'),
    ('Limoges', 'ac-limoges.fr'),
    ('Lyon', 'ac-lyon.fr'),
    ('Montpellier', 'ac-montpellier.fr'),
    ('Nancy-Metz', 'ac-nancy-metz.fr'),
    ('Nantes', 'ac-nantes.fr'),
    ('Nice', 'ac-nice.fr'),
    ('Normandie', 'ac-normandie.fr'),
    ('Orléans-Tours', 'ac-orleans-tours.fr'),
    ('Paris', 'ac-paris.fr'),
    ('Poitiers', 'ac-poitiers.fr'),
    ('Reims', 'ac-reims.fr'),
    ('Rennes', 'ac-rennes.fr'),
    ('Strasbourg', 'ac-strasbourg.fr'),
    ('Toulouse', 'ac-toulouse.fr'),
    ('Versailles', 'ac-versailles.fr'),
    ('Guadeloupe', 'ac-guadeloupe.fr'),
    ('Martinique', 'ac-martinique.fr'),
    ('Guyane', 'ac-guyane.fr'),
    ('La Réunion', 'ac-reunion.fr'),
    ('Mayotte', 'ac-mayotte.fr');

CREATE TABLE agent (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    login         TEXT NOT NULL UNIQUE CHECK (
        length(login) BETWEEN 2 AND 64 AND login NOT GLOB '*[^a-z0-9._-]*' AND login GLOB '[a-z0-9]*'
    ),
    display_name  TEXT NOT NULL CHECK (display_name <> ''),
    role          TEXT NOT NULL CHECK (role IN ('lecture', 'agent', 'superviseur')),
    password_hash TEXT NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    -- Failed sign-ins in a row; past a threshold the login is locked until locked_until.
    failed_attempts INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    locked_until  TEXT,
    password_changed_at TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

-- The portal's accounts, one per e-mail address. The address is unique without regard to case.
CREATE TABLE account (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    email               TEXT NOT NULL CHECK (email = trim(email) AND email LIKE '_%@_%'),
    -- The portal's password hash: NULL until the user initialises the password on the portal.
    password            TEXT,
    password_changed_at TEXT,
    disabled            BOOLEAN NOT NULL DEFAULT FALSE,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE UNIQUE INDEX account_email_key ON account (lower(email));

CREATE TABLE establishment (
    uai                  TEXT PRIMARY KEY CHECK (
        uai GLOB '[0-9][0-9][0-9][0-9][0-9][0-9][0-9][A-Z]'
        AND substr('ABCDEFGHJKLMNPRSTUVWXYZ', (CAST(substr(uai, 1, 7) AS INTEGER) % 23) + 1, 1) = substr(uai, 8, 1)
    ),
    name                 TEXT NOT NULL CHECK (name <> ''),
    kind                 TEXT NOT NULL CHECK (kind IN ('lycee', 'college', 'ecole', 'cio', 'erea', 'autre')),
    sector               TEXT NOT NULL CHECK (sector IN ('public', 'prive')),
    postcode             TEXT NOT NULL CHECK (postcode GLOB '[0-9][0-9][0-9][0-9][0-9]'),
    town                 TEXT NOT NULL CHECK (town <> ''),
    -- Name and town folded as callers spell them (lower case, no accents), written by the core
    -- so that both backends compare the same text.
    search_name          TEXT NOT NULL,
    search_town          TEXT NOT NULL,
    department           TEXT NOT NULL CHECK (
        department GLOB '[0-9][0-9]' OR department GLOB '[0-9][0-9][0-9]' OR department IN ('2A', '2B')
    ),
    academie             TEXT NOT NULL REFERENCES academie (name),
    principal_account_id INTEGER,
    -- Bumped by every change, for optimistic concurrency between agents.
    version              INTEGER NOT NULL DEFAULT 1,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    -- The principal address must be one of the establishment's attached addresses: detaching
    -- it while it is principal fails here. Checked at commit, so that one transaction may
    -- attach an address and make it principal in either order.
    CONSTRAINT establishment_principal_is_attached
        FOREIGN KEY (uai, principal_account_id) REFERENCES establishment_account (uai, account_id)
        DEFERRABLE INITIALLY DEFERRED
);

CREATE INDEX establishment_search_name ON establishment (search_name);
CREATE INDEX establishment_search_town ON establishment (search_town);

-- Which addresses are attached to which establishments, since when and by whom.
CREATE TABLE establishment_account (
    uai         TEXT NOT NULL REFERENCES establishment (uai),
    account_id  INTEGER NOT NULL REFERENCES account (id),
    attached_at TEXT NOT NULL,
    -- NULL when the attachment came with an import rather than from an agent.
    attached_by INTEGER REFERENCES agent (id),
    PRIMARY KEY (uai, account_id)
);
CREATE INDEX establishment_account_account_id ON establishment_account (account_id);

-- The portal's table, as symfonycasts/reset-password-bundle's maker generates it for SQLite
-- (Doctrine's datetime_immutable is 'Y-m-d H:i:s' text there).
CREATE TABLE reset_password_request (
    id           INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    user_id      INTEGER NOT NULL,
    selector     VARCHAR(20) NOT NULL,
    hashed_token VARCHAR(100) NOT NULL,
    requested_at DATETIME NOT NULL, -- (DC2Type:datetime_immutable)
    expires_at   DATETIME NOT NULL, -- (DC2Type:datetime_immutable)
    CONSTRAINT FK_7CE748AA76ED395 FOREIGN KEY (user_id) REFERENCES account (id)
);
CREATE INDEX IDX_7CE748AA76ED395 ON reset_password_request (user_id);

-- Every action of an agent. Append-only: the triggers below refuse to change or remove a row.
CREATE TABLE audit_event (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT NOT NULL,
    agent_id  INTEGER REFERENCES agent (id),
    action    TEXT NOT NULL,
    uai       TEXT,
    email     TEXT,
    before    TEXT,
    after     TEXT,
    note      TEXT
);
CREATE INDEX audit_event_uai ON audit_event (uai, at);
CREATE INDEX audit_event_email ON audit_event (lower(email), at);

CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN
    SELECT RAISE(ABORT, 'audit_event is append-only');
END;
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN
    SELECT RAISE(ABORT, 'audit_event is append-only');
END;

-- The helpdesk's ledger of the links it issued. The portal deletes its own rows when a link is
-- used and a week after expiry; this table keeps the history. The verifier is never stored.
CREATE TABLE reset_link (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id   INTEGER NOT NULL REFERENCES account (id),
    selector     VARCHAR(20) NOT NULL UNIQUE,
    requested_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL CHECK (expires_at > requested_at),
    agent_id     INTEGER REFERENCES agent (id),
    -- Set when a newer link for the same address deleted this one's request.
    replaced_at  TEXT,
    -- Set when the request was seen gone before expiry without the app deleting it.
    used_at      TEXT
);
CREATE INDEX reset_link_account ON reset_link (account_id, requested_at);

-- Every mail is written here, in the same transaction as what it announces, before any attempt
-- to send it; the sender moves it from 'waiting' to 'sent' or 'failed' and never sends twice.
CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at      TEXT NOT NULL,
    recipient       TEXT NOT NULL CHECK (recipient LIKE '_%@_%'),
    reset_link_id   INTEGER REFERENCES reset_link (id),
    state           TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'sending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at TEXT NOT NULL,
    -- The server's reply to the last attempt (accepted or refused), or why it could not be reached.
    last_reply      TEXT,
    sent_at         TEXT,
    CHECK ((state = 'sent') = (sent_at IS NOT NULL))
);
CREATE INDEX mail_outbox_due ON mail_outbox (state, next_attempt_at);

-- Every change to what open windows show, for other windows to catch up within a second: each
-- client reads the rows after the last id it saw. Old rows are pruned by the clients.
CREATE TABLE change_log (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    entity TEXT NOT NULL CHECK (entity IN ('establishment', 'account', 'attachment', 'reset')),
    key    TEXT NOT NULL
);
CREATE INDEX change_log_at ON change_log (at);
CREATE TRIGGER establishment_log_insert AFTER INSERT ON establishment
BEGIN
    INSERT INTO change_log (entity, key) VALUES ('establishment', CAST(NEW.uai AS TEXT));
END;
CREATE TRIGGER establishment_log_update AFTER UPDATE ON establishment
BEGIN
    INSERT INTO change_log (entity, key) VALUES ('establishment', CAST(NEW.uai AS TEXT));
    INSERT INTO change_log (entity, key) VALUES ('establishment', CAST(OLD.uai AS TEXT));
END;
CREATE TRIGGER establishment_log_delete AFTER DELETE ON establishment
BEGIN
    INSERT INTO change_log (entity, key) VALUES ('establishment', CAST(OLD.uai AS TEXT));
END;
CREATE TRIGGER account_log_insert AFTER INSERT ON account
BEGIN
    INSERT INTO change_log (entity, key) VALUES ('account', CAST(NEW.id AS TEXT));
END;
CREATE TRIGGER account_log_update AFTER UPDATE ON account
BEGIN
    INSERT INTO change_log (entity, key) VALUES ('account', CAST(NEW.id AS TEXT));
    INSERT INTO change_log (entity, key) VALUES ('account', CAST(OLD.id AS TEXT));
END;
CREATE TRIGGER account_log_delete AFTER DELETE ON account
BEGIN
    INSERT INTO change_log (entity, key) VALUES ('account', CAST(OLD.id AS TEXT));
END;
CREATE TRIGGER establishment_account_log_insert AFTER INSERT ON establishment_account
BEGIN
    INSERT INTO change_log (entity, key) VALUES ('attachment', CAST(NEW.uai AS TEXT));
END;
CREATE TRIGGER establishment_account_log_update AFTER UPDATE ON establishment_account
BEGIN
    INSERT INTO change_log (entity, key) VALUES ('attachment', CAST(NEW.uai AS TEXT));
    INSERT INTO change_log (entity, key) VALUES ('attachment', CAST(OLD.uai AS TEXT));
END;
CREATE TRIGGER establishment_account_log_delete AFTER DELETE ON establishment_account
BEGIN
    INSERT INTO change_log (entity, key) VALUES ('attachment', CAST(OLD.uai AS TEXT));
END;
CREATE TRIGGER reset_password_request_log_insert AFTER INSERT ON reset_password_request
BEGIN
    INSERT INTO change_log (entity, key) VALUES ('reset', CAST(NEW.user_id AS TEXT));
END;
CREATE TRIGGER reset_password_request_log_update AFTER UPDATE ON reset_password_request
BEGIN
    INSERT INTO change_log (entity, key) VALUES ('reset', CAST(NEW.user_id AS TEXT));
    INSERT INTO change_log (entity, key) VALUES ('reset', CAST(OLD.user_id AS TEXT));
END;
CREATE TRIGGER reset_password_request_log_delete AFTER DELETE ON reset_password_request
BEGIN
    INSERT INTO change_log (entity, key) VALUES ('reset', CAST(OLD.user_id AS TEXT));
END;
