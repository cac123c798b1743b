-- Acceptance of a campaign phase (R25): the county office's decision on each township's
-- phase, once the phase is over; one per township and phase (named by its first and last
-- day). A decision taken again replaces it, and each is in the log.
CREATE TABLE phase_acceptance (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    county_id INTEGER NOT NULL REFERENCES county(id),
    from_day TEXT NOT NULL,
    to_day TEXT NOT NULL,
    township_id INTEGER NOT NULL REFERENCES township(id),
    passed INTEGER NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    decided_by INTEGER NOT NULL REFERENCES app_user(id),
    decided_at TEXT NOT NULL,
    UNIQUE (county_id, from_day, to_day, township_id)
);
