-- What became of each message after it left: the relay's answer when it was handed over, the
-- return path it carried (VERP: a bounce finds its message from its address alone), and the
-- verdict of the establishment's server read later from the bounce mailbox.
ALTER TABLE mail_outbox ADD COLUMN return_path TEXT;
ALTER TABLE mail_outbox ADD COLUMN relay_code INTEGER CHECK (relay_code BETWEEN 200 AND 599);
ALTER TABLE mail_outbox ADD COLUMN relay_enhanced TEXT;
ALTER TABLE mail_outbox ADD COLUMN relay_text TEXT;
ALTER TABLE mail_outbox ADD COLUMN relay_queue_id TEXT;
ALTER TABLE mail_outbox ADD COLUMN relay_at TEXT;
-- The newest verdict a report gave (a bounce is final: a later delay notice does not undo it).
ALTER TABLE mail_outbox ADD COLUMN report_verdict TEXT CHECK (report_verdict IN ('bounced', 'deferred'));
ALTER TABLE mail_outbox ADD COLUMN report_status TEXT;
ALTER TABLE mail_outbox ADD COLUMN report_text TEXT;
ALTER TABLE mail_outbox ADD COLUMN report_at TEXT;
-- A report finds its message by ENVID (the Message-ID) or by the Message-ID it returns.
CREATE INDEX mail_outbox_message_id ON mail_outbox (message_id);

-- Every report matched to a message, once (`report_key`: the report's own Message-ID, or the
-- SHA-256 of its bytes), so that a report read again after a crash records nothing new.
CREATE TABLE mail_report (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    outbox_id   INTEGER NOT NULL REFERENCES mail_outbox (id),
    report_key  TEXT NOT NULL,
    verdict     TEXT NOT NULL CHECK (verdict IN ('bounced', 'deferred')),
    status      TEXT,
    diagnostic  TEXT,
    remote_mta  TEXT,
    matched_by  TEXT NOT NULL CHECK (matched_by IN ('envid', 'return-path', 'message-id')),
    reported_at TEXT NOT NULL,
    read_at     TEXT NOT NULL,
    UNIQUE (report_key, outbox_id)
);
CREATE INDEX mail_report_outbox ON mail_report (outbox_id);

-- The bounce mailbox's last reading, for the supervisors: what it matched, what it left and
-- why, and why it could not be read.
CREATE TABLE bounce_mailbox (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    read_at       TEXT,
    matched       INTEGER NOT NULL DEFAULT 0,
    ignored       INTEGER NOT NULL DEFAULT 0,
    unmatched     INTEGER NOT NULL DEFAULT 0,
    left_sample   TEXT,
    problem       TEXT,
    problem_since TEXT
);

-- The bounce mailbox's settings: a new CHECK, so the table is rebuilt.
CREATE TABLE sending_setting_new (
    name  TEXT PRIMARY KEY CHECK (name IN ('portal_url', 'portal_timezone', 'link_lifetime_seconds',
                                           'mail_from', 'smtp_url', 'smtp_max_rate',
                                           'bounce_address', 'bounce_verp', 'bounce_imap_host',
                                           'bounce_imap_user', 'bounce_imap_folder',
                                           'bounce_imap_done_folder')),
    value TEXT NOT NULL,
    CHECK (name <> 'portal_url' OR value LIKE 'https://_%'),
    CHECK (name <> 'link_lifetime_seconds' OR (value GLOB '[1-9]*' AND value NOT GLOB '*[^0-9]*'
                                               AND length(value) <= 5)),
    CHECK (name <> 'smtp_max_rate' OR (value GLOB '[1-9]*' AND value NOT GLOB '*[^0-9]*'
                                       AND length(value) <= 5)),
    CHECK (name <> 'bounce_verp' OR value IN ('oui', 'non'))
);
INSERT INTO sending_setting_new (name, value) SELECT name, value FROM sending_setting;
DROP TABLE sending_setting;
ALTER TABLE sending_setting_new RENAME TO sending_setting;

-- Windows follow a report as they follow a message's state.
CREATE TRIGGER mail_outbox_log_report AFTER UPDATE OF report_verdict, report_at ON mail_outbox
BEGIN
    INSERT INTO change_log (entity, key)
        SELECT 'reset', CAST(l.account_id AS TEXT) FROM reset_link l WHERE l.id = NEW.reset_link_id;
END;
