-- Campaigns: a supervisor plans links for a population (frozen here, each establishment with
-- what is sent or why it is skipped), then starts them at a rate; the sender lets a campaign's
-- messages leave one slot at a time (`next_send_at`, `slots_taken`).

-- The date an establishment closed, as the Annuaire de l'éducation gives it: a campaign skips it.
ALTER TABLE establishment ADD COLUMN closed_on DATE;

CREATE TABLE campaign (
    id              SERIAL PRIMARY KEY,
    created_at      TIMESTAMPTZ NOT NULL,
    -- Who planned, started, paused or cancelled it is in the journal, its author set by the
    -- database in shared mode.
    -- The filters and the states, as the plan was asked for (JSON, for the report).
    population      TEXT NOT NULL,
    states          TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'preparee'
                    CHECK (state IN ('preparee', 'en-cours', 'en-pause', 'annulee')),
    -- A link minted for an address after this instant makes the campaign's message useless.
    fresh_after     TIMESTAMPTZ NOT NULL,
    rate_per_minute INTEGER CHECK (rate_per_minute > 0),
    started_at      TIMESTAMPTZ,
    next_send_at    TIMESTAMPTZ,
    slots_taken     INTEGER NOT NULL DEFAULT 0 CHECK (slots_taken >= 0),
    -- Started (running, paused, or cancelled after starting): with its rate and its next slot.
    CHECK (state NOT IN ('en-cours', 'en-pause') OR started_at IS NOT NULL),
    CHECK (state <> 'preparee' OR started_at IS NULL),
    CHECK ((started_at IS NULL) = (rate_per_minute IS NULL) AND (started_at IS NULL) = (next_send_at IS NULL))
);

-- Each establishment of the plan: its principal address, and why it is skipped (NULL: sent).
CREATE TABLE campaign_target (
    campaign_id   INTEGER NOT NULL REFERENCES campaign (id),
    uai           TEXT NOT NULL REFERENCES establishment (uai),
    account_id    INTEGER REFERENCES account (id),
    email         TEXT,
    skip_reason   TEXT CHECK (skip_reason IN ('sans-adresse', 'lien-recent', 'adresse-rejetee', 'ferme', 'initialise')),
    reset_link_id INTEGER REFERENCES reset_link (id),
    PRIMARY KEY (campaign_id, uai),
    CHECK (skip_reason IS NOT NULL OR account_id IS NOT NULL),
    CHECK (reset_link_id IS NULL OR skip_reason IS NULL)
);

-- The campaign a message belongs to: the sender lets it leave only in the campaign's slots.
ALTER TABLE mail_outbox ADD COLUMN campaign_id INTEGER REFERENCES campaign (id);
CREATE INDEX mail_outbox_campaign ON mail_outbox (campaign_id, state);

-- The relay's limit in messages a minute.
ALTER TABLE sending_setting DROP CONSTRAINT sending_setting_name_check,
    ADD CONSTRAINT sending_setting_name_check CHECK (name IN ('portal_url', 'portal_timezone',
        'link_lifetime_seconds', 'mail_from', 'smtp_url', 'smtp_max_rate')),
    ADD CONSTRAINT sending_setting_max_rate_check
        CHECK (name <> 'smtp_max_rate' OR value ~ '^[1-9][0-9]{0,4}$');

-- Every role follows a campaign; supervisors plan, start, pause, resume and cancel them (the
-- links they ask for go through the grants agents already have on reset_link and mail_outbox).
GRANT SELECT ON campaign, campaign_target TO guichet_lecture;
GRANT INSERT (created_at, population, states, fresh_after),
    UPDATE (state, rate_per_minute, started_at, next_send_at) ON campaign
    TO guichet_superviseur;
GRANT USAGE ON SEQUENCE campaign_id_seq TO guichet_superviseur;
GRANT INSERT (campaign_id, uai, account_id, email, skip_reason), UPDATE (reset_link_id)
    ON campaign_target TO guichet_superviseur;
GRANT INSERT (campaign_id) ON mail_outbox TO guichet_superviseur;
-- The sender takes a campaign's slots and checks, right before a message leaves, that its
-- address was not initialised meanwhile.
GRANT SELECT, UPDATE (next_send_at, slots_taken) ON campaign TO guichet_envoi;
GRANT SELECT ON account_initialised TO guichet_envoi;
