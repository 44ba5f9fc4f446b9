-- The diagnosis looks a caller's address up among the Annuaire's official addresses, as the
-- account table is looked up: without case.
CREATE INDEX establishment_official_mail ON establishment (lower(official_mail));
