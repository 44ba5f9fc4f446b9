-- One sender. Agents ask for links; one service, `guichet-admin sender` (the desktop app itself
-- in standalone mode), mints each token right before its message leaves, writes the portal's
-- request and mails the guide's e-mail. It alone holds the portal's signing key and the SMTP
-- password; in shared mode it connects as a member of guichet_envoi, which may do that and
-- nothing else.

-- A link is asked for (account, time, agent) and minted by the sender, which sets its selector,
-- its expiry and the SHA-256 of its whole token: « Vérifier un lien » tells an altered link
-- from the hash, without the key. The verifier itself is never stored in clear.
ALTER TABLE reset_link ALTER COLUMN selector DROP NOT NULL,
    ALTER COLUMN expires_at DROP NOT NULL,
    ADD COLUMN minted_at TIMESTAMPTZ,
    ADD COLUMN token_sha256 TEXT CHECK (token_sha256 ~ '^[0-9a-f]{64}$');
-- Links of earlier versions were minted when they were asked for.
UPDATE reset_link SET minted_at = requested_at;
ALTER TABLE reset_link ADD CONSTRAINT reset_link_minted
    CHECK ((selector IS NULL) = (expires_at IS NULL) AND (selector IS NULL) = (minted_at IS NULL));

-- 'dropped': the link was replaced by a newer one before its message left, so it never left.
-- A message is claimed by one live sender ('sending', claimed_by) right before it is sent; a
-- sender that died leaves it to be sent again, identical (same bytes, same Message-ID).
ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_state_check;
-- Earlier versions could not send a message again identically: theirs stay failed.
UPDATE mail_outbox SET state = 'failed',
    last_reply = 'Envoi interrompu (le Guichet s’est arrêté pendant l’envoi) : le message a pu partir.'
    WHERE state = 'sending';
ALTER TABLE mail_outbox
    ADD CONSTRAINT mail_outbox_state_check
        CHECK (state IN ('waiting', 'sending', 'sent', 'failed', 'dropped')),
    ADD COLUMN message_id TEXT,
    ADD COLUMN claimed_by BIGINT;
-- One message per link: the sender mints a link for its one message.
DROP INDEX mail_outbox_reset_link;
CREATE UNIQUE INDEX mail_outbox_reset_link ON mail_outbox (reset_link_id);

-- The message as it will be sent, from its minting until the server accepts it (or it fails for
-- good), so that a message interrupted mid-send goes again byte for byte. Sealed with a key
-- derived from the portal's signing key (ChaCha20-Poly1305): a copy of the database gives no
-- pending link. Readable by the sender's role alone.
CREATE TABLE mail_secret (
    outbox_id INTEGER PRIMARY KEY REFERENCES mail_outbox (id),
    sealed    BYTEA NOT NULL
);

-- Every running sender: its heartbeat tells the others (and the agents' windows) that it is
-- alive, and `problem` why the links do not leave, in French, when they do not.
CREATE TABLE mail_sender (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    host          TEXT NOT NULL,
    pid           INTEGER NOT NULL,
    login         TEXT NOT NULL,
    started_at    TIMESTAMPTZ NOT NULL,
    heartbeat_at  TIMESTAMPTZ NOT NULL,
    problem       TEXT,
    problem_since TIMESTAMPTZ
);

-- The sending settings, one row per setting a supervisor changed (absent: the default). The
-- sender reads them; an environment variable still overrides one for the process that reads it.
CREATE TABLE sending_setting (
    name  TEXT PRIMARY KEY CHECK (name IN ('portal_url', 'portal_timezone', 'link_lifetime_seconds',
                                           'mail_from', 'smtp_url')),
    value TEXT NOT NULL,
    CHECK (name <> 'portal_url' OR value LIKE 'https://_%'),
    CHECK (name <> 'link_lifetime_seconds' OR value ~ '^[1-9][0-9]{0,4}$')
);

-- Windows follow a message through the change log: each change of its state (but the claim)
-- is a change of its account's links.
CREATE FUNCTION log_mail_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    INSERT INTO change_log (entity, key)
        SELECT 'reset', l.account_id::text FROM reset_link l WHERE l.id = NEW.reset_link_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER mail_outbox_log_state AFTER UPDATE OF state ON mail_outbox FOR EACH ROW
    WHEN (OLD.state IS DISTINCT FROM NEW.state AND NEW.state <> 'sending')
    EXECUTE FUNCTION log_mail_change();

-- The sender's group role: as cluster-wide as the others.
DO $$
BEGIN
    CREATE ROLE guichet_envoi NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END
$$;
ALTER TABLE agent DROP CONSTRAINT agent_role_check,
    ADD CONSTRAINT agent_role_check CHECK (role IN ('lecture', 'agent', 'superviseur', 'envoi'));

-- Agents ask for a link (the request, its message and the journal entry, in one transaction)
-- and no longer write the portal's table, nor what the sender records.
REVOKE INSERT, DELETE ON reset_password_request FROM guichet_agent;
REVOKE INSERT, UPDATE ON reset_link FROM guichet_agent;
GRANT INSERT (account_id, requested_at, agent_id) ON reset_link TO guichet_agent;
REVOKE UPDATE ON mail_outbox FROM guichet_agent;
-- Every window shows whether the links leave, and supervisors change the sending settings.
GRANT SELECT ON mail_sender, sending_setting TO guichet_lecture;
GRANT INSERT, UPDATE, DELETE ON sending_setting TO guichet_superviseur;

-- The sender: mint, mail, record. It reads no journal and no agent, changes no address.
GRANT SELECT (id, email, disabled) ON account TO guichet_envoi;
GRANT SELECT, INSERT, DELETE ON reset_password_request TO guichet_envoi;
GRANT SELECT, UPDATE (selector, expires_at, minted_at, token_sha256, replaced_at) ON reset_link
    TO guichet_envoi;
GRANT SELECT, UPDATE (state, attempts, next_attempt_at, last_reply, sent_at, message_id, claimed_by)
    ON mail_outbox TO guichet_envoi;
GRANT SELECT, INSERT, UPDATE, DELETE ON mail_secret TO guichet_envoi;
GRANT SELECT, INSERT, UPDATE (heartbeat_at, problem, problem_since), DELETE ON mail_sender
    TO guichet_envoi;
GRANT SELECT ON sending_setting TO guichet_envoi;

-- The sender writes the portal's requests once or twice a message: their changes are logged by
-- a function of static SQL (planned once per session) rather than log_change()'s dynamic one.
CREATE FUNCTION log_reset_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO change_log (entity, key) SELECT DISTINCT 'reset', user_id::text FROM new_rows;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO change_log (entity, key) SELECT DISTINCT 'reset', user_id::text FROM old_rows;
    END IF;
    RETURN NULL;
END
$$;
DROP TRIGGER reset_password_request_log_insert ON reset_password_request;
DROP TRIGGER reset_password_request_log_update ON reset_password_request;
DROP TRIGGER reset_password_request_log_delete ON reset_password_request;
CREATE TRIGGER reset_password_request_log_insert AFTER INSERT ON reset_password_request
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_reset_change();
CREATE TRIGGER reset_password_request_log_update AFTER UPDATE ON reset_password_request
    REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION log_reset_change();
CREATE TRIGGER reset_password_request_log_delete AFTER DELETE ON reset_password_request
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION log_reset_change();
