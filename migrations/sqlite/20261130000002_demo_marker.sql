-- Written by the demo generator in the same transaction as its data: a demonstration database
-- knows it is one, and never mails the outside world (it holds real lycées' functional
-- addresses, ce.<UAI>@ac-….fr).
CREATE TABLE demo_database (
    only_row  INTEGER PRIMARY KEY DEFAULT 1 CHECK (only_row = 1),
    seed      INTEGER NOT NULL,
    filled_at TEXT NOT NULL
);
