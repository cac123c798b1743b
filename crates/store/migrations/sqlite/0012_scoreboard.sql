-- 八个一批 (R25): the campaign results the ledger does not hold — typical cases exposed,
-- models promoted, rules issued — each with its day and reference; a township's own, or the
-- county's (no township). A withdrawn entry stays, marked, with its reason.
CREATE TABLE campaign_result (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    county_id INTEGER NOT NULL REFERENCES county(id),
    tally TEXT NOT NULL,
    township_id INTEGER REFERENCES township(id),
    title TEXT NOT NULL,
    happened_on TEXT NOT NULL,
    reference TEXT NOT NULL DEFAULT '',
    case_id INTEGER REFERENCES case_file(id),
    note TEXT NOT NULL DEFAULT '',
    recorded_by INTEGER NOT NULL REFERENCES app_user(id),
    recorded_at TEXT NOT NULL,
    withdrawn_reason TEXT,
    withdrawn_at TEXT
);
CREATE INDEX campaign_result_county ON campaign_result (county_id, tally, happened_on);
