-- 督导检查 (R26): the county's visits to a township, announced or 四不两直, with what the team
-- saw; each finding is a clue of the source superior_inspection, filed in the same
-- transaction as its row here, so the visit lists exactly the cases it found.
CREATE TABLE inspection (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    county_id INTEGER NOT NULL REFERENCES county(id),
    township_id INTEGER NOT NULL REFERENCES township(id),
    kind TEXT NOT NULL,
    visited_on TEXT NOT NULL,
    team TEXT NOT NULL,
    places TEXT NOT NULL,
    summary TEXT NOT NULL,
    recorded_by INTEGER NOT NULL REFERENCES app_user(id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX inspection_county ON inspection (county_id, visited_on);
CREATE TABLE inspection_finding (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    inspection_id INTEGER NOT NULL REFERENCES inspection(id),
    clue_id INTEGER NOT NULL REFERENCES clue(id),
    case_id INTEGER NOT NULL REFERENCES case_file(id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX inspection_finding_inspection ON inspection_finding (inspection_id);
