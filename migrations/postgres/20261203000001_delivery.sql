-- What became of each message after it left: the relay's answer when it was handed over, the
-- return path it carried (VERP: a bounce finds its message from its address alone), and the
-- verdict of the establishment's server read later from the bounce mailbox.
ALTER TABLE mail_outbox
    ADD COLUMN return_path TEXT,
    ADD COLUMN relay_code INTEGER CHECK (relay_code BETWEEN 200 AND 599),
    ADD COLUMN relay_enhanced TEXT,
    ADD COLUMN relay_text TEXT,
    ADD COLUMN relay_queue_id TEXT,
    ADD COLUMN relay_at TIMESTAMPTZ,
    -- The newest verdict a report gave (a bounce is final: a later delay notice does not undo it).
    ADD COLUMN report_verdict TEXT CHECK (report_verdict IN ('bounced', 'deferred')),
    ADD COLUMN report_status TEXT,
    ADD COLUMN report_text TEXT,
    ADD COLUMN report_at TIMESTAMPTZ;
-- A report finds its message by ENVID (the Message-ID) or by the Message-ID it returns.
CREATE INDEX mail_outbox_message_id ON mail_outbox (message_id);

-- Every report matched to a message, once (`report_key`: the report's own Message-ID, or the
-- SHA-256 of its bytes), so that a report read again after a crash records nothing new.
CREATE TABLE mail_report (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    outbox_id   INTEGER NOT NULL REFERENCES mail_outbox (id),
    report_key  TEXT NOT NULL,
    verdict     TEXT NOT NULL CHECK (verdict IN ('bounced', 'deferred')),
    status      TEXT,
    diagnostic  TEXT,
    remote_mta  TEXT,
    matched_by  TEXT NOT NULL CHECK (matched_by IN ('envid', 'return-path', 'message-id')),
    reported_at TIMESTAMPTZ NOT NULL,
    read_at     TIMESTAMPTZ NOT NULL,
    UNIQUE (report_key, outbox_id)
);
CREATE INDEX mail_report_outbox ON mail_report (outbox_id);

-- The bounce mailbox's last reading, for the supervisors: what it matched, what it left and
-- why, and why it could not be read.
CREATE TABLE bounce_mailbox (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    read_at       TIMESTAMPTZ,
    matched       INTEGER NOT NULL DEFAULT 0,
    ignored       INTEGER NOT NULL DEFAULT 0,
    unmatched     INTEGER NOT NULL DEFAULT 0,
    left_sample   TEXT,
    problem       TEXT,
    problem_since TIMESTAMPTZ
);

-- The bounce mailbox's settings.
ALTER TABLE sending_setting DROP CONSTRAINT sending_setting_name_check,
    ADD CONSTRAINT sending_setting_name_check CHECK (name IN ('portal_url', 'portal_timezone',
        'link_lifetime_seconds', 'mail_from', 'smtp_url', 'smtp_max_rate', 'bounce_address',
        'bounce_verp', 'bounce_imap_host', 'bounce_imap_user', 'bounce_imap_folder',
        'bounce_imap_done_folder')),
    ADD CONSTRAINT sending_setting_verp_check CHECK (name <> 'bounce_verp' OR value IN ('oui', 'non'));

-- Every window reads what became of a message; supervisors read the bounce mailbox's state.
GRANT SELECT ON mail_report TO guichet_lecture;
GRANT SELECT ON bounce_mailbox TO guichet_superviseur;
-- The sender records the relay's answer and the return path with the outcome, and what the
-- bounce mailbox says; it reads the reports it already recorded.
GRANT UPDATE (return_path, relay_code, relay_enhanced, relay_text, relay_queue_id, relay_at,
              report_verdict, report_status, report_text, report_at) ON mail_outbox TO guichet_envoi;
GRANT SELECT, INSERT ON mail_report TO guichet_envoi;
GRANT SELECT, INSERT, UPDATE ON bounce_mailbox TO guichet_envoi;

-- Windows follow a report as they follow a message's state.
CREATE TRIGGER mail_outbox_log_report AFTER UPDATE OF report_verdict, report_at ON mail_outbox
    FOR EACH ROW EXECUTE FUNCTION log_mail_change();
