-- Written by the demo generator in the same transaction as its data: a demonstration database
-- knows it is one, and never mails the outside world (it holds real lycées' functional
-- addresses, ce.<UAI>@ac-….fr).
CREATE TABLE demo_database (
    only_row  BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
    seed      BIGINT NOT NULL,
    filled_at TIMESTAMPTZ NOT NULL
);
GRANT SELECT ON demo_database TO PUBLIC;
