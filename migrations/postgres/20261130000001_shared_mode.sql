-- Shared mode: each agent is a PostgreSQL login role, member of one group role per app role
-- (guichet_lecture, guichet_agent, guichet_superviseur), and the database allows each role
-- exactly what the app allows it. Everything here is applied in both modes: in standalone mode
-- the group roles have no member and the triggers that take the author from the session are
-- disabled. `guichet-admin migrate --shared` records the mode by calling guichet_enter_shared_mode().
--
-- Every function an agent calls is SECURITY DEFINER, owned by the owner that runs the
-- migrations, with a fixed search_path, and executable only by the group roles named below.

-- The mode of this database: one row, 'standalone' until `migrate --shared`.
CREATE TABLE guichet_mode (
    only_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
    mode     TEXT NOT NULL CHECK (mode IN ('standalone', 'shared'))
);
INSERT INTO guichet_mode (mode) VALUES ('standalone');

-- In shared mode PostgreSQL checks the password (SCRAM): the app keeps no copy of it.
ALTER TABLE agent ALTER COLUMN password_hash DROP NOT NULL;

-- Whether an account's portal password is set, without its hash: the agents' roles read this
-- view, never account.password.
CREATE VIEW account_initialised AS
    SELECT id, password IS NOT NULL AS initialised FROM account;

-- The group roles. Role names are cluster-wide: another database of the same server may have
-- created them already, perhaps at this very moment.
DO $$
DECLARE
    group_role TEXT;
BEGIN
    FOREACH group_role IN ARRAY ARRAY['guichet_lecture', 'guichet_agent', 'guichet_superviseur'] LOOP
        BEGIN
            EXECUTE format('CREATE ROLE %I NOLOGIN', group_role);
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END LOOP;
END
$$;

-- Each role has what the one below it has: an agent reads as a reader does, a supervisor acts
-- as an agent does.
DO $$
BEGIN
    IF NOT pg_has_role('guichet_agent', 'guichet_lecture', 'MEMBER') THEN
        GRANT guichet_lecture TO guichet_agent;
    END IF;
    IF NOT pg_has_role('guichet_superviseur', 'guichet_agent', 'MEMBER') THEN
        GRANT guichet_agent TO guichet_superviseur;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL; -- granted by a concurrent migration of another database
END
$$;

-- The single application role of the first schema gives way to the three group roles.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM guichet_app;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM guichet_app;
-- Nobody but the owner creates objects here (already so from PostgreSQL 15 on).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- Readers: what the screens show. No INSERT, UPDATE, DELETE or TRUNCATE on any table: what a
-- reader must write (its sign-in, its own password) goes through the functions below.
GRANT SELECT ON academie, establishment, establishment_account, reset_password_request,
    reset_link, mail_outbox, change_log, account_initialised TO guichet_lecture;
-- The mode and the schema's version are read before the app knows who signs in (a role that
-- lost its group role is told so, not refused a read).
GRANT SELECT ON guichet_mode, _sqlx_migrations TO PUBLIC;
GRANT SELECT (id, email, password_changed_at, disabled, created_at, updated_at) ON account
    TO guichet_lecture;
GRANT SELECT (id, login, display_name) ON agent TO guichet_lecture;
-- Readers and agents read the journal's entries about an establishment through
-- guichet_timeline() below, not the journal itself.

-- Agents: add addresses, attach, detach, set principal addresses, ask for links (and, until a
-- sender service does it, deliver the outbox).
GRANT INSERT (email, created_at, updated_at), UPDATE (updated_at) ON account TO guichet_agent;
GRANT UPDATE (principal_account_id, version, updated_at) ON establishment TO guichet_agent;
GRANT INSERT (uai, account_id, attached_at, attached_by), DELETE ON establishment_account
    TO guichet_agent;
GRANT INSERT (user_id, selector, hashed_token, requested_at, expires_at), DELETE
    ON reset_password_request TO guichet_agent;
GRANT INSERT (account_id, selector, requested_at, expires_at, agent_id), UPDATE (replaced_at)
    ON reset_link TO guichet_agent;
GRANT INSERT (created_at, recipient, reset_link_id, next_attempt_at),
    UPDATE (state, attempts, next_attempt_at, last_reply, sent_at) ON mail_outbox TO guichet_agent;
GRANT INSERT (at, agent_id, action, uai, email, before, after, note) ON audit_event
    TO guichet_agent;

-- Supervisors: also the agents' roles and states and the whole journal. Agents are managed
-- through the functions below, never by writing the table or by CREATEROLE.
GRANT SELECT (role, disabled, created_at, password_changed_at) ON agent TO guichet_superviseur;
GRANT SELECT ON audit_event TO guichet_superviseur;

-- The change log is written by triggers whatever the role of the writer, and pruned through
-- a function that keeps the last minute whatever the caller asks.
ALTER FUNCTION log_change() SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp;

CREATE FUNCTION guichet_prune_changes(older_than TIMESTAMPTZ) RETURNS VOID
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    DELETE FROM change_log WHERE at < least(older_than, now() - INTERVAL '1 minute');
$$;

-- The author of a row is the agent whose role opened the session, whatever the row says.
-- Enabled in shared mode only: in standalone mode every agent shares one database login.
CREATE FUNCTION set_author_from_session() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    NEW := jsonb_populate_record(NEW, jsonb_build_object(TG_ARGV[0],
        (SELECT id FROM agent WHERE login = session_user)));
    RETURN NEW;
END
$$;
CREATE TRIGGER audit_event_author BEFORE INSERT ON audit_event
    FOR EACH ROW EXECUTE FUNCTION set_author_from_session('agent_id');
CREATE TRIGGER establishment_account_author BEFORE INSERT ON establishment_account
    FOR EACH ROW EXECUTE FUNCTION set_author_from_session('attached_by');
CREATE TRIGGER reset_link_author BEFORE INSERT ON reset_link
    FOR EACH ROW EXECUTE FUNCTION set_author_from_session('agent_id');
ALTER TABLE audit_event DISABLE TRIGGER audit_event_author;
ALTER TABLE establishment_account DISABLE TRIGGER establishment_account_author;
ALTER TABLE reset_link DISABLE TRIGGER reset_link_author;

-- Records the shared mode (run by `guichet-admin migrate --shared`, as the owner). The comment on
-- guichet_superviseur names the cluster's shared database: logins and group roles are
-- cluster-wide, so a cluster serves one.
CREATE FUNCTION guichet_enter_shared_mode() RETURNS VOID
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    UPDATE guichet_mode SET mode = 'shared';
    ALTER TABLE audit_event ENABLE TRIGGER audit_event_author;
    ALTER TABLE establishment_account ENABLE TRIGGER establishment_account_author;
    ALTER TABLE reset_link ENABLE TRIGGER reset_link_author;
    EXECUTE format('COMMENT ON ROLE guichet_superviseur IS %L', current_database());
END
$$;
REVOKE EXECUTE ON FUNCTION guichet_enter_shared_mode() FROM PUBLIC;

-- Who the session is: its agent (whatever its state, and whether it is still a member of its
-- role's group), or the owner of the schema (which may manage agents from the command line),
-- or no row.
CREATE FUNCTION guichet_whoami()
RETURNS TABLE (id INTEGER, login TEXT, display_name TEXT, role TEXT, disabled BOOLEAN,
               in_group BOOLEAN, owner BOOLEAN)
-- PL/pgSQL keeps its plans for the session: every operation of an agent asks this first.
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RETURN QUERY SELECT a.id, a.login, a.display_name, a.role, a.disabled,
           pg_has_role(session_user, 'guichet_' || a.role, 'MEMBER'), FALSE
    FROM agent a WHERE a.login = session_user;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 0, session_user::TEXT, 'Propriétaire de la base'::TEXT,
               'superviseur'::TEXT, FALSE, TRUE, TRUE
        WHERE pg_has_role(session_user,
                          (SELECT c.relowner FROM pg_class c WHERE c.oid = 'agent'::regclass), 'USAGE');
    END IF;
END
$$;

-- The entries about an establishment or an address attached to it now, newest first, with
-- their author's login: what an establishment's page shows to every role, without the rest
-- of the journal (sign-ins, agents' management) that only supervisors read.
CREATE FUNCTION guichet_timeline(establishment_uai TEXT, max_rows BIGINT)
RETURNS TABLE (id BIGINT, at TIMESTAMPTZ, login TEXT, action TEXT, uai TEXT, email TEXT,
               before TEXT, after TEXT, note TEXT)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    -- Two index lookups joined by UNION (one `uai = … OR email IN …` scans the journal).
    RETURN QUERY SELECT e.id, e.at, a.login, e.action, e.uai, e.email, e.before, e.after, e.note
    FROM audit_event e LEFT JOIN agent a ON a.id = e.agent_id
    WHERE e.id IN (
        SELECT x.id FROM audit_event x WHERE x.uai = establishment_uai
        UNION
        SELECT x.id FROM establishment_account ea
        JOIN account c ON c.id = ea.account_id
        JOIN audit_event x ON lower(x.email) = lower(c.email) WHERE ea.uai = establishment_uai)
    ORDER BY e.at DESC, e.id DESC LIMIT max_rows;
END
$$;

-- The agent of this session, refused unless it exists and is enabled.
CREATE FUNCTION guichet_session_agent() RETURNS agent
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me agent;
BEGIN
    SELECT * INTO me FROM agent WHERE login = session_user;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'role % is not an agent of this database', session_user USING ERRCODE = 'GU001';
    END IF;
    IF me.disabled THEN
        RAISE EXCEPTION 'agent % is disabled', session_user USING ERRCODE = 'GU002';
    END IF;
    RETURN me;
END
$$;
REVOKE EXECUTE ON FUNCTION guichet_session_agent() FROM PUBLIC;

-- A sign-in, journaled by the agent itself (readers may not write the journal directly).
CREATE FUNCTION guichet_record_sign_in() RETURNS VOID
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me agent := guichet_session_agent();
BEGIN
    INSERT INTO audit_event (at, agent_id, action) VALUES (now(), me.id, 'sign_in');
END
$$;

-- The agent's own password, given as a SCRAM-SHA-256 verifier computed by the client: the
-- password itself never reaches the server.
CREATE FUNCTION guichet_change_own_password(verifier TEXT) RETURNS VOID
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me agent := guichet_session_agent();
BEGIN
    IF verifier NOT LIKE 'SCRAM-SHA-256$%' THEN
        RAISE EXCEPTION 'a SCRAM-SHA-256 verifier is required' USING ERRCODE = 'GU003';
    END IF;
    EXECUTE format('ALTER ROLE %I PASSWORD %L', me.login, verifier);
    UPDATE agent SET password_changed_at = now() WHERE agent.id = me.id;
    INSERT INTO audit_event (at, agent_id, action) VALUES (now(), me.id, 'password_changed');
END
$$;

-- Refuses a caller that is neither an enabled supervisor nor the owner (EXECUTE is granted to
-- supervisors only; this also stops a supervisor whose agent row was disabled meanwhile).
CREATE FUNCTION guichet_require_manager() RETURNS INTEGER
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me RECORD;
BEGIN
    SELECT * INTO me FROM guichet_whoami();
    IF NOT FOUND OR me.disabled OR NOT me.in_group OR me.role <> 'superviseur' THEN
        RAISE EXCEPTION 'role % may not manage agents', session_user USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN nullif(me.id, 0);
END
$$;
REVOKE EXECUTE ON FUNCTION guichet_require_manager() FROM PUBLIC;

-- The managed agent, locked for the change; the manager may not change its own account.
CREATE FUNCTION guichet_managed_agent(target TEXT) RETURNS agent
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    managed agent;
BEGIN
    SELECT * INTO managed FROM agent WHERE login = target FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no agent %', target USING ERRCODE = 'GU004';
    END IF;
    IF target = session_user THEN
        RAISE EXCEPTION 'agent % may not change its own account', target USING ERRCODE = 'GU005';
    END IF;
    RETURN managed;
END
$$;
REVOKE EXECUTE ON FUNCTION guichet_managed_agent(TEXT) FROM PUBLIC;

CREATE FUNCTION guichet_add_agent(new_login TEXT, new_name TEXT, new_role TEXT, verifier TEXT)
RETURNS INTEGER
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    manager INTEGER := guichet_require_manager();
    new_id INTEGER;
BEGIN
    IF verifier NOT LIKE 'SCRAM-SHA-256$%' THEN
        RAISE EXCEPTION 'a SCRAM-SHA-256 verifier is required' USING ERRCODE = 'GU003';
    END IF;
    -- The row first: its constraints check the login, the name and the role.
    INSERT INTO agent (login, display_name, role, password_changed_at, created_at)
        VALUES (new_login, new_name, new_role, now(), now()) RETURNING agent.id INTO new_id;
    EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION '
                   'NOBYPASSRLS INHERIT PASSWORD %L IN ROLE %I', new_login, verifier, 'guichet_' || new_role);
    INSERT INTO audit_event (at, agent_id, action, after) VALUES (now(), manager, 'agent_added',
        jsonb_build_object('login', new_login, 'nom', new_name, 'rôle', new_role)::TEXT);
    RETURN new_id;
END
$$;

CREATE FUNCTION guichet_set_agent_role(target TEXT, new_role TEXT) RETURNS VOID
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    manager INTEGER := guichet_require_manager();
    old agent := guichet_managed_agent(target);
BEGIN
    UPDATE agent SET role = new_role WHERE login = target;
    IF NOT old.disabled THEN
        EXECUTE format('REVOKE %I FROM %I', 'guichet_' || old.role, target);
        EXECUTE format('GRANT %I TO %I', 'guichet_' || new_role, target);
    END IF;
    INSERT INTO audit_event (at, agent_id, action, before, after) VALUES (now(), manager, 'agent_role_changed',
        jsonb_build_object('login', target, 'rôle', old.role)::TEXT,
        jsonb_build_object('login', target, 'rôle', new_role)::TEXT);
END
$$;

-- Disabling refuses new sessions (NOLOGIN) and takes the group role away, so that a session
-- still open loses every privilege at its next statement.
CREATE FUNCTION guichet_set_agent_disabled(target TEXT, disable BOOLEAN) RETURNS VOID
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    manager INTEGER := guichet_require_manager();
    old agent := guichet_managed_agent(target);
BEGIN
    IF old.disabled = disable THEN
        RETURN;
    END IF;
    UPDATE agent SET disabled = disable WHERE login = target;
    IF disable THEN
        EXECUTE format('ALTER ROLE %I NOLOGIN', target);
        EXECUTE format('REVOKE %I FROM %I', 'guichet_' || old.role, target);
    ELSE
        EXECUTE format('ALTER ROLE %I LOGIN', target);
        EXECUTE format('GRANT %I TO %I', 'guichet_' || old.role, target);
    END IF;
    INSERT INTO audit_event (at, agent_id, action, after) VALUES (now(), manager,
        CASE WHEN disable THEN 'agent_disabled' ELSE 'agent_enabled' END,
        jsonb_build_object('login', target)::TEXT);
END
$$;

REVOKE EXECUTE ON FUNCTION guichet_prune_changes(TIMESTAMPTZ), guichet_record_sign_in(),
    guichet_change_own_password(TEXT), guichet_timeline(TEXT, BIGINT),
    guichet_add_agent(TEXT, TEXT, TEXT, TEXT), guichet_set_agent_role(TEXT, TEXT),
    guichet_set_agent_disabled(TEXT, BOOLEAN) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION guichet_prune_changes(TIMESTAMPTZ), guichet_record_sign_in(),
    guichet_change_own_password(TEXT), guichet_timeline(TEXT, BIGINT) TO guichet_lecture;
GRANT EXECUTE ON FUNCTION guichet_add_agent(TEXT, TEXT, TEXT, TEXT),
    guichet_set_agent_role(TEXT, TEXT), guichet_set_agent_disabled(TEXT, BOOLEAN)
    TO guichet_superviseur;
