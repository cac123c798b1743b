-- 八个一批 (R25): the campaign results the ledger does not hold — typical cases exposed,
-- models promoted, rules issued — each with its day and reference; a township's own, or the
-- county's (no township). A withdrawn entry stays, marked, with its reason.
CREATE TABLE campaign_result (
    id BIGSERIAL PRIMARY KEY,
    county_id BIGINT NOT NULL REFERENCES county(id),
    tally TEXT NOT NULL,
    township_id BIGINT REFERENCES township(id),
    title TEXT NOT NULL,
    happened_on TEXT NOT NULL,
    reference TEXT NOT NULL DEFAULT '',
    case_id BIGINT REFERENCES case_file(id),
    note TEXT NOT NULL DEFAULT '',
    recorded_by BIGINT NOT NULL REFERENCES app_user(id),
    recorded_at TIMESTAMPTZ NOT NULL,
    withdrawn_reason TEXT,
    withdrawn_at TIMESTAMPTZ
);
CREATE INDEX campaign_result_county ON campaign_result (county_id, tally, happened_on);
