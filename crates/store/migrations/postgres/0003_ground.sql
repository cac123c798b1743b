-- The ground (PostgreSQL): duty settings, daily zero reports, patrol records with their
-- sign-offs, GPS tracks, and accountability leads. Mirrors sqlite/0003_ground.sql.

-- What each county asks of its units (R16, R17, R19, R26); one row per county, edited by
-- the county office. `cycles` is core::duty::DutyCycles as JSON.
CREATE TABLE duty_setting (
    county_id BIGINT PRIMARY KEY REFERENCES county(id),
    cycles TEXT NOT NULL,
    reports_from TEXT NOT NULL,
    escalate_after BIGINT NOT NULL,
    coverage_m DOUBLE PRECISION NOT NULL,
    lookback_days BIGINT NOT NULL,
    near_m DOUBLE PRECISION NOT NULL,
    updated_by BIGINT REFERENCES app_user(id),
    updated_at TEXT NOT NULL
);

-- 零报告/日报告: one per grid per day (R17). Findings become clues (`clue_ids`, comma
-- separated); `late` marks a report filed after its day.
CREATE TABLE zero_report (
    id BIGSERIAL PRIMARY KEY,
    county_id BIGINT NOT NULL REFERENCES county(id),
    township_id BIGINT NOT NULL REFERENCES township(id),
    village_id BIGINT NOT NULL REFERENCES village(id),
    grid_id BIGINT NOT NULL REFERENCES grid(id),
    report_date TEXT NOT NULL,
    nothing_found BIGINT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    clue_ids TEXT NOT NULL DEFAULT '',
    late BIGINT NOT NULL DEFAULT 0,
    filed_by BIGINT NOT NULL REFERENCES app_user(id),
    filed_at TEXT NOT NULL,
    UNIQUE (grid_id, report_date)
);
CREATE INDEX zero_report_day ON zero_report (county_id, report_date);

-- One line of seed 002's 隐患排查报表 (R18): who patrolled where, what was there, what was
-- found and done, signed by the 包村干部 and the village committee's head, confirmed by the
-- township. The names are the roster's at the time of the patrol; the signers are users.
CREATE TABLE patrol_record (
    id BIGSERIAL PRIMARY KEY,
    county_id BIGINT NOT NULL REFERENCES county(id),
    level TEXT NOT NULL,
    township_id BIGINT NOT NULL REFERENCES township(id),
    village_id BIGINT NOT NULL REFERENCES village(id),
    patrolled_on TEXT NOT NULL,
    night BIGINT NOT NULL DEFAULT 0,
    address TEXT NOT NULL,
    situation TEXT NOT NULL,
    hazards TEXT NOT NULL DEFAULT '',
    measures TEXT NOT NULL DEFAULT '',
    remarks TEXT NOT NULL DEFAULT '',
    clue_id BIGINT REFERENCES clue(id),
    track_id BIGINT,
    cadre_name TEXT NOT NULL,
    cadre_signed_by BIGINT REFERENCES app_user(id),
    cadre_signed_at TEXT,
    head_name TEXT NOT NULL,
    head_signed_by BIGINT REFERENCES app_user(id),
    head_signed_at TEXT,
    confirmed_by BIGINT REFERENCES app_user(id),
    confirmed_at TEXT,
    created_by BIGINT NOT NULL REFERENCES app_user(id),
    created_at TEXT NOT NULL
);
CREATE INDEX patrol_record_scope ON patrol_record (county_id, township_id, patrolled_on);

-- A GPS track of a patrol (R19), from the phone page or a GPX file. `points` is JSON
-- [[lon, lat, unix seconds or null], …]; `client_ref` makes a phone's retries idempotent.
CREATE TABLE patrol_track (
    id BIGSERIAL PRIMARY KEY,
    county_id BIGINT NOT NULL REFERENCES county(id),
    township_id BIGINT NOT NULL REFERENCES township(id),
    village_id BIGINT REFERENCES village(id),
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    source TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    file_sha256 TEXT,
    client_ref TEXT UNIQUE,
    started_at TEXT NOT NULL,
    ended_at TEXT NOT NULL,
    point_count BIGINT NOT NULL,
    length_m DOUBLE PRECISION NOT NULL,
    night_share DOUBLE PRECISION NOT NULL,
    points TEXT NOT NULL,
    min_lon DOUBLE PRECISION NOT NULL,
    min_lat DOUBLE PRECISION NOT NULL,
    max_lon DOUBLE PRECISION NOT NULL,
    max_lat DOUBLE PRECISION NOT NULL,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX patrol_track_time ON patrol_track (county_id, started_at);

-- 问责线索 (R26): a case confirmed by a patch or a tip in a grid that said "nothing found"
-- or patrolled nearby in the days before. The township answers; the inspectors conclude.
CREATE TABLE accountability_lead (
    id BIGSERIAL PRIMARY KEY,
    county_id BIGINT NOT NULL REFERENCES county(id),
    kind TEXT NOT NULL,
    case_id BIGINT NOT NULL REFERENCES case_file(id),
    grid_id BIGINT NOT NULL REFERENCES grid(id),
    township_id BIGINT NOT NULL REFERENCES township(id),
    village_id BIGINT NOT NULL REFERENCES village(id),
    discovered_on TEXT NOT NULL,
    evidence TEXT NOT NULL,
    raised_at TEXT NOT NULL,
    answer TEXT NOT NULL DEFAULT '',
    answered_by BIGINT REFERENCES app_user(id),
    answered_at TEXT,
    conclusion TEXT NOT NULL DEFAULT '',
    conclusion_note TEXT NOT NULL DEFAULT '',
    concluded_by BIGINT REFERENCES app_user(id),
    concluded_at TEXT,
    UNIQUE (kind, case_id, grid_id)
);
