-- 黑名单 and 联合惩戒 (R24, seed 003 §(五)): firms, persons and vehicles listed for the
-- cases that put them there (at least one, founded), in force from listed_on until lifted or
-- past valid_until; the identifier is kept in its compared form (core::blacklist::normalize),
-- '' when only the name is known. Each department's measure is a row of its own.
CREATE TABLE blacklist_entry (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    county_id INTEGER NOT NULL REFERENCES county(id),
    subject_kind TEXT NOT NULL,
    name TEXT NOT NULL,
    identifier TEXT NOT NULL,
    reason TEXT NOT NULL,
    listed_on TEXT NOT NULL,
    valid_until TEXT,
    listed_by INTEGER NOT NULL REFERENCES app_user(id),
    listed_at TEXT NOT NULL,
    lifted_on TEXT,
    lifted_by INTEGER REFERENCES app_user(id),
    lift_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX blacklist_entry_identifier ON blacklist_entry (county_id, identifier);
CREATE INDEX blacklist_entry_name ON blacklist_entry (county_id, name);
CREATE TABLE blacklist_case (
    entry_id INTEGER NOT NULL REFERENCES blacklist_entry(id),
    case_id INTEGER NOT NULL REFERENCES case_file(id),
    PRIMARY KEY (entry_id, case_id)
);
CREATE TABLE blacklist_measure (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    entry_id INTEGER NOT NULL REFERENCES blacklist_entry(id),
    department_id INTEGER NOT NULL REFERENCES department(id),
    measure TEXT NOT NULL,
    applied_on TEXT NOT NULL,
    applied_by INTEGER NOT NULL REFERENCES app_user(id),
    applied_at TEXT NOT NULL
);
CREATE INDEX blacklist_measure_entry ON blacklist_measure (entry_id);
