-- 周调度 (R25): a township's weekly report to the county office, one per township and week
-- (named by its Friday). `figures_json` is NULL while a draft (the page shows the ledger's
-- figures live) and frozen at submission: later changes to cases never reach it. Its digest
-- is in the submission's ledger event, so an edited row shows in the audit. Kept as text,
-- not JSONB, so the digest is over exactly the bytes stored.
CREATE TABLE weekly_dispatch (
    id BIGSERIAL PRIMARY KEY,
    county_id BIGINT NOT NULL REFERENCES county(id),
    township_id BIGINT NOT NULL REFERENCES township(id),
    week_ending TEXT NOT NULL,
    work_done TEXT NOT NULL DEFAULT '',
    problems TEXT NOT NULL DEFAULT '',
    next_week TEXT NOT NULL DEFAULT '',
    overdue_reasons TEXT NOT NULL DEFAULT '',
    signed_by TEXT NOT NULL DEFAULT '',
    figures_json TEXT,
    saved_by BIGINT NOT NULL REFERENCES app_user(id),
    saved_at TIMESTAMPTZ NOT NULL,
    submitted_by BIGINT REFERENCES app_user(id),
    submitted_at TIMESTAMPTZ,
    UNIQUE (township_id, week_ending)
);
CREATE INDEX weekly_dispatch_week ON weekly_dispatch (county_id, week_ending);
