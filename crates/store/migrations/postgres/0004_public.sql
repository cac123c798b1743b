-- The public (PostgreSQL): the working-day calendar, public tips with their tracking code and
-- clocks, the tipster's identity kept apart with every view of it logged, reward rules and
-- rewards. Lapses (举报不受理/不核实/不答复) are derived from the clocks, not stored.
-- Mirrors sqlite/0004_public.sql.

-- The State Council's holiday notice as the county office entered it (R13): only the
-- exceptions to Monday–Friday.
CREATE TABLE work_calendar_day (
    county_id BIGINT NOT NULL REFERENCES county(id),
    day TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    updated_by BIGINT REFERENCES app_user(id),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (county_id, day)
);

-- Working days each step of a tip may take (R13); one row per county, edited by the office.
CREATE TABLE tip_policy (
    county_id BIGINT PRIMARY KEY REFERENCES county(id),
    accept_days BIGINT NOT NULL,
    verify_days BIGINT NOT NULL,
    answer_days BIGINT NOT NULL,
    updated_at TEXT NOT NULL
);

-- A public tip (R4): the citizen's side of a clue. Only the SHA-256 of the secret is kept;
-- the address and device are kept as keyed hashes, for limits and duplicates only.
CREATE TABLE tip (
    id BIGSERIAL PRIMARY KEY,
    county_id BIGINT NOT NULL REFERENCES county(id),
    clue_id BIGINT NOT NULL REFERENCES clue(id),
    tracking_code TEXT NOT NULL UNIQUE,
    secret_sha256 TEXT NOT NULL,
    channel TEXT NOT NULL,
    operator_user_id BIGINT REFERENCES app_user(id),
    call_at TEXT,
    source_hash TEXT NOT NULL DEFAULT '',
    content_sha256 TEXT NOT NULL,
    received_at TEXT NOT NULL,
    accept_by TEXT NOT NULL,
    accepted_at TEXT,
    accepted_by BIGINT REFERENCES app_user(id),
    verify_by TEXT,
    verified_at TEXT,
    answer_by TEXT,
    answer TEXT NOT NULL DEFAULT '',
    answered_at TEXT,
    answered_by BIGINT REFERENCES app_user(id),
    has_identity BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX tip_received ON tip (county_id, received_at);
CREATE INDEX tip_content ON tip (county_id, content_sha256);

-- Who tipped, for the reward: seen only by the reward officer, each view logged below.
CREATE TABLE tipster (
    tip_id BIGINT PRIMARY KEY REFERENCES tip(id),
    name TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

CREATE TABLE tipster_view (
    id BIGSERIAL PRIMARY KEY,
    tip_id BIGINT NOT NULL REFERENCES tip(id),
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    viewed_at TEXT NOT NULL,
    purpose TEXT NOT NULL
);

-- Reward rules (R4): a base by problem kind, a share of what the case recovered (‰ of
-- fines and confiscations), and a cap; money in fen.
CREATE TABLE reward_rule (
    county_id BIGINT NOT NULL REFERENCES county(id),
    problem_kind TEXT NOT NULL,
    base_fen BIGINT NOT NULL,
    share_permille BIGINT NOT NULL,
    cap_fen BIGINT NOT NULL,
    PRIMARY KEY (county_id, problem_kind)
);

CREATE TABLE reward (
    tip_id BIGINT PRIMARY KEY REFERENCES tip(id),
    amount_fen BIGINT NOT NULL,
    basis TEXT NOT NULL,
    computed_at TEXT NOT NULL,
    approved_by BIGINT REFERENCES app_user(id),
    approved_at TEXT,
    paid_by BIGINT REFERENCES app_user(id),
    paid_at TEXT,
    payment_ref TEXT NOT NULL DEFAULT ''
);

-- Look-backs drawn at random besides the schedule (R14): 'schedule' or 'random'.
ALTER TABLE look_back ADD COLUMN drawn TEXT NOT NULL DEFAULT 'schedule';
