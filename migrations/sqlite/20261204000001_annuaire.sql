-- The Annuaire de l'éducation: what its import keeps of each establishment beyond its identity
-- (the official address, the successor a closed one names, a closing announced), and each
-- import with its counts (the journal holds its author and every change).

-- `Mail`, the establishment's official address in the Annuaire (not an attached one).
ALTER TABLE establishment ADD COLUMN official_mail TEXT CHECK (official_mail IS NULL OR official_mail <> '');
-- `etablissement_mere` of a closed establishment: who took over (not necessarily known here).
ALTER TABLE establishment ADD COLUMN successor_uai TEXT CHECK (successor_uai IS NULL OR successor_uai GLOB '[0-9][0-9][0-9][0-9][0-9][0-9][0-9][A-Z]');
-- `etat` = `A FERMER`: still open, « fermeture annoncée ».
ALTER TABLE establishment ADD COLUMN closing_announced INTEGER NOT NULL DEFAULT 0 CHECK (closing_announced IN (0, 1));
-- `date_maj_ligne` of the row the last import wrote.
ALTER TABLE establishment ADD COLUMN annuaire_updated_on TEXT CHECK (annuaire_updated_on IS NULL OR annuaire_updated_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');

CREATE TABLE annuaire_import (
    id            INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,
    file_name     TEXT NOT NULL,
    -- The académies the file covers (JSON list): only there may a vanished row close.
    academies     TEXT NOT NULL,
    rows_read     INTEGER NOT NULL CHECK (rows_read >= 0),
    rejected      INTEGER NOT NULL CHECK (rejected >= 0),
    added         INTEGER NOT NULL CHECK (added >= 0),
    updated       INTEGER NOT NULL CHECK (updated >= 0),
    closed        INTEGER NOT NULL CHECK (closed >= 0),
    reopened      INTEGER NOT NULL CHECK (reopened >= 0),
    unchanged     INTEGER NOT NULL CHECK (unchanged >= 0)
);
