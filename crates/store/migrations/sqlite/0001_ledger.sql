-- The ledger's first schema (SQLite). Times are RFC 3339 UTC text, dates 'YYYY-MM-DD',
-- money in fen, distances in metres. Mirrors postgres/0001_ledger.sql.

-- A county installation; `code` prefixes human case numbers (QY-2026-000123).
CREATE TABLE county (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

-- 乡镇/街道; kind is 'township' or 'street'.
CREATE TABLE township (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    county_id INTEGER NOT NULL REFERENCES county(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    UNIQUE (county_id, name)
);

-- 村/社区; kind is 'village' or 'community'.
CREATE TABLE village (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    township_id INTEGER NOT NULL REFERENCES township(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    UNIQUE (township_id, name)
);

-- 网格 with its three named officials (R2).
CREATE TABLE grid (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    village_id INTEGER NOT NULL REFERENCES village(id),
    name TEXT NOT NULL,
    first_responsible TEXT NOT NULL,
    directly_responsible TEXT NOT NULL,
    village_cadre TEXT NOT NULL,
    contact_phone TEXT NOT NULL DEFAULT ''
);

-- 成员单位 with duty list (one duty per line) and liaison person.
CREATE TABLE department (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    county_id INTEGER NOT NULL REFERENCES county(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    duties TEXT NOT NULL,
    liaison_name TEXT NOT NULL DEFAULT '',
    liaison_phone TEXT NOT NULL DEFAULT '',
    UNIQUE (county_id, code)
);

-- 专项行动 and its phases.
CREATE TABLE campaign (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    county_id INTEGER NOT NULL REFERENCES county(id),
    name TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL
);

CREATE TABLE campaign_phase (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id INTEGER NOT NULL REFERENCES campaign(id),
    seq INTEGER NOT NULL,
    name TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL
);

-- Problem kind → lead department (R3), editable by the county office.
CREATE TABLE routing_rule (
    county_id INTEGER NOT NULL REFERENCES county(id),
    problem_kind TEXT NOT NULL,
    department_id INTEGER NOT NULL REFERENCES department(id),
    PRIMARY KEY (county_id, problem_kind)
);

CREATE TABLE app_user (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    county_id INTEGER NOT NULL REFERENCES county(id),
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    township_id INTEGER REFERENCES township(id),
    village_id INTEGER REFERENCES village(id),
    department_id INTEGER REFERENCES department(id),
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);

-- Only the SHA-256 of a session or API token is kept, so a copied database opens no door.
CREATE TABLE user_session (
    token_sha256 TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES app_user(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE TABLE api_token (
    token_sha256 TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES app_user(id),
    label TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE case_number_counter (
    county_id INTEGER NOT NULL REFERENCES county(id),
    year INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    PRIMARY KEY (county_id, year)
);

-- One row per problem in the ledger (台账). `state_json` is the folded CaseState; the
-- columns beside it repeat what lists filter on.
CREATE TABLE case_file (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    county_id INTEGER NOT NULL REFERENCES county(id),
    number TEXT NOT NULL UNIQUE,
    township_id INTEGER NOT NULL REFERENCES township(id),
    village_id INTEGER REFERENCES village(id),
    address TEXT NOT NULL,
    lon REAL,
    lat REAL,
    finding TEXT NOT NULL,
    problem_kind TEXT NOT NULL,
    severity TEXT NOT NULL,
    source TEXT NOT NULL,
    lead_department_id INTEGER REFERENCES department(id),
    responsible_unit TEXT NOT NULL DEFAULT '',
    responsible_person TEXT NOT NULL DEFAULT '',
    measures TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    decision TEXT,
    due_on TEXT,
    escalated INTEGER NOT NULL DEFAULT 0,
    fine_fen INTEGER NOT NULL DEFAULT 0,
    confiscation_fen INTEGER NOT NULL DEFAULT 0,
    state_json TEXT NOT NULL,
    recurrence_of INTEGER REFERENCES case_file(id),
    opened_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    closed_at TEXT
);
CREATE INDEX case_file_scope ON case_file (county_id, township_id, status);
CREATE INDEX case_file_village ON case_file (village_id);
CREATE INDEX case_file_department ON case_file (lead_department_id);
CREATE INDEX case_file_place ON case_file (lat, lon);
CREATE INDEX case_file_due ON case_file (status, due_on);

CREATE TABLE clue (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    county_id INTEGER NOT NULL REFERENCES county(id),
    source TEXT NOT NULL,
    township_id INTEGER NOT NULL REFERENCES township(id),
    village_id INTEGER REFERENCES village(id),
    address TEXT NOT NULL,
    lon REAL,
    lat REAL,
    observed_at TEXT,
    description TEXT NOT NULL,
    problem_kind TEXT NOT NULL,
    reporter_name TEXT NOT NULL DEFAULT '',
    reporter_phone TEXT NOT NULL DEFAULT '',
    attachments TEXT NOT NULL DEFAULT '',
    filed_by INTEGER NOT NULL REFERENCES app_user(id),
    filed_at TEXT NOT NULL,
    case_id INTEGER NOT NULL REFERENCES case_file(id),
    merged INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX clue_case ON clue (case_id);
CREATE INDEX clue_filed_by ON clue (filed_by);

-- Content-addressed files; the bytes live under the blob directory by SHA-256.
CREATE TABLE attachment (
    sha256 TEXT PRIMARY KEY,
    size_bytes INTEGER NOT NULL,
    media_type TEXT NOT NULL,
    file_name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by INTEGER REFERENCES app_user(id)
);

-- The append-only, hash-chained log of every change (see core::chain).
CREATE TABLE event (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_user_id INTEGER,
    county_id INTEGER NOT NULL,
    case_id INTEGER,
    clue_id INTEGER,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    attachments TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX event_case ON event (case_id, seq);

-- The chain's head. Every write transaction updates this row first: that takes SQLite's
-- write lock (or PostgreSQL's row lock) so two writers never fork the chain.
CREATE TABLE chain_head (
    id INTEGER PRIMARY KEY,
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL,
    touched_at TEXT NOT NULL
);
INSERT INTO chain_head (id, seq, hash, touched_at)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', '');

-- 回头看 scheduled at closing (R14).
CREATE TABLE look_back (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id INTEGER NOT NULL REFERENCES case_file(id),
    due_on TEXT NOT NULL,
    done_at TEXT,
    recurrence INTEGER,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX look_back_due ON look_back (due_on);
