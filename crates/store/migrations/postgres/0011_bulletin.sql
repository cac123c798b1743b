-- 月通报 (R25). The ranking formula the county office publishes: each edit appends a row, the
-- latest is in force, and every issued bulletin carries the one it ranked by.
CREATE TABLE ranking_formula (
    id BIGSERIAL PRIMARY KEY,
    county_id BIGINT NOT NULL REFERENCES county(id),
    formula_json TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    edited_by BIGINT NOT NULL REFERENCES app_user(id),
    edited_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX ranking_formula_county ON ranking_formula (county_id, id);

-- One issued bulletin per county and month: its figures (every count with the cases it
-- counted, the scores, the ranks, the formula) frozen as issued, their digest in the log.
-- Kept as text, not JSONB, so the digest is over exactly the bytes stored.
CREATE TABLE monthly_bulletin (
    id BIGSERIAL PRIMARY KEY,
    county_id BIGINT NOT NULL REFERENCES county(id),
    month TEXT NOT NULL,
    number TEXT NOT NULL,
    signed_by TEXT NOT NULL,
    remarks TEXT NOT NULL DEFAULT '',
    figures_json TEXT NOT NULL,
    issued_by BIGINT NOT NULL REFERENCES app_user(id),
    issued_at TIMESTAMPTZ NOT NULL,
    UNIQUE (county_id, month)
);
