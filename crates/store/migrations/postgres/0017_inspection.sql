-- 督导检查 (R26): the county's visits to a township, announced or 四不两直, with what the team
-- saw; each finding is a clue of the source superior_inspection, filed in the same
-- transaction as its row here, so the visit lists exactly the cases it found.
CREATE TABLE inspection (
    id BIGSERIAL PRIMARY KEY,
    county_id BIGINT NOT NULL REFERENCES county(id),
    township_id BIGINT NOT NULL REFERENCES township(id),
    kind TEXT NOT NULL,
    visited_on TEXT NOT NULL,
    team TEXT NOT NULL,
    places TEXT NOT NULL,
    summary TEXT NOT NULL,
    recorded_by BIGINT NOT NULL REFERENCES app_user(id),
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX inspection_county ON inspection (county_id, visited_on);
CREATE TABLE inspection_finding (
    id BIGSERIAL PRIMARY KEY,
    inspection_id BIGINT NOT NULL REFERENCES inspection(id),
    clue_id BIGINT NOT NULL REFERENCES clue(id),
    case_id BIGINT NOT NULL REFERENCES case_file(id),
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX inspection_finding_inspection ON inspection_finding (inspection_id);
