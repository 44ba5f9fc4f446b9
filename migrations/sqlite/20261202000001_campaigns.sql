-- Campaigns: a supervisor plans links for a population (frozen here, each establishment with
-- what is sent or why it is skipped), then starts them at a rate; the sender lets a campaign's
-- messages leave one slot at a time (`next_send_at`, `slots_taken`).

-- The date an establishment closed, as the Annuaire de l'éducation gives it: a campaign skips it.
ALTER TABLE establishment ADD COLUMN closed_on TEXT CHECK (closed_on IS NULL OR closed_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');

CREATE TABLE campaign (
    id              INTEGER PRIMARY KEY,
    created_at      TEXT NOT NULL,
    -- Who planned, started, paused or cancelled it is in the journal, its author set by the
    -- database in shared mode.
    -- The filters and the states, as the plan was asked for (JSON, for the report).
    population      TEXT NOT NULL,
    states          TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'preparee'
                    CHECK (state IN ('preparee', 'en-cours', 'en-pause', 'annulee')),
    -- A link minted for an address after this instant makes the campaign's message useless.
    fresh_after     TEXT NOT NULL,
    rate_per_minute INTEGER CHECK (rate_per_minute > 0),
    started_at      TEXT,
    next_send_at    TEXT,
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

-- The relay's limit in messages a minute: a new setting, so the table is rebuilt with its CHECK.
CREATE TABLE sending_setting_new (
    name  TEXT PRIMARY KEY CHECK (name IN ('portal_url', 'portal_timezone', 'link_lifetime_seconds',
                                           'mail_from', 'smtp_url', 'smtp_max_rate')),
    value TEXT NOT NULL,
    CHECK (name <> 'portal_url' OR value LIKE 'https://_%'),
    CHECK (name <> 'link_lifetime_seconds' OR (value GLOB '[1-9]*' AND value NOT GLOB '*[^0-9]*'
                                               AND length(value) <= 5)),
    CHECK (name <> 'smtp_max_rate' OR (value GLOB '[1-9]*' AND value NOT GLOB '*[^0-9]*'
                                       AND length(value) <= 5))
);
INSERT INTO sending_setting_new (name, value) SELECT name, value FROM sending_setting;
DROP TABLE sending_setting;
ALTER TABLE sending_setting_new RENAME TO sending_setting;
