-- The ledger joins every link to its message in the outbox, which keeps every message ever sent:
-- without this index each ledger read scans the whole outbox, slower with every campaign.
CREATE INDEX mail_outbox_reset_link ON mail_outbox (reset_link_id);
