-- Registers, satellite patches and field verification (PostgreSQL). Geometry is GeoJSON text in
-- CGCS2000 lon/lat with its bounding box beside it for prefilters; areas in m² on the
-- ellipsoid. Mirrors sqlite/0002_sky.sql.

-- One imported register file: which layer, from which file, in which coordinate system.
CREATE TABLE register_import (
    id BIGSERIAL PRIMARY KEY,
    county_id BIGINT NOT NULL REFERENCES county(id),
    layer TEXT NOT NULL,
    source_file TEXT NOT NULL,
    crs TEXT NOT NULL,
    encoding TEXT NOT NULL DEFAULT '',
    features BIGINT NOT NULL,
    imported_by BIGINT NOT NULL REFERENCES app_user(id),
    imported_at TEXT NOT NULL
);

-- A licence, exploration licence, approved project, closed mine, zone or grid boundary.
-- Importing a layer again retires the previous features (active = 0), keeping them.
CREATE TABLE register_feature (
    id BIGSERIAL PRIMARY KEY,
    county_id BIGINT NOT NULL REFERENCES county(id),
    layer TEXT NOT NULL,
    import_id BIGINT NOT NULL REFERENCES register_import(id),
    external_id TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT '',
    valid_from TEXT,
    valid_to TEXT,
    withdrawn BIGINT NOT NULL DEFAULT 0,
    grid_id BIGINT REFERENCES grid(id),
    attributes TEXT NOT NULL,
    geometry TEXT NOT NULL,
    min_lon DOUBLE PRECISION NOT NULL,
    min_lat DOUBLE PRECISION NOT NULL,
    max_lon DOUBLE PRECISION NOT NULL,
    max_lat DOUBLE PRECISION NOT NULL,
    area_m2 DOUBLE PRECISION NOT NULL,
    active BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX register_feature_layer ON register_feature (county_id, layer, active);

-- A batch of change patches as the province sends it.
CREATE TABLE patch_batch (
    id BIGSERIAL PRIMARY KEY,
    county_id BIGINT NOT NULL REFERENCES county(id),
    name TEXT NOT NULL,
    source_file TEXT NOT NULL,
    crs TEXT NOT NULL,
    patches BIGINT NOT NULL,
    imported_by BIGINT NOT NULL REFERENCES app_user(id),
    imported_at TEXT NOT NULL,
    UNIQUE (county_id, name)
);

-- One change patch with its triage; status: pending (to verify), submitted (verified in the
-- field, awaiting county review), returned (sent back), accepted, cleared (inside a valid
-- licence, no field check needed).
CREATE TABLE patch (
    id BIGSERIAL PRIMARY KEY,
    county_id BIGINT NOT NULL REFERENCES county(id),
    batch_id BIGINT NOT NULL REFERENCES patch_batch(id),
    patch_no TEXT NOT NULL,
    later_date TEXT,
    geometry TEXT NOT NULL,
    min_lon DOUBLE PRECISION NOT NULL,
    min_lat DOUBLE PRECISION NOT NULL,
    max_lon DOUBLE PRECISION NOT NULL,
    max_lat DOUBLE PRECISION NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    area_m2 DOUBLE PRECISION NOT NULL,
    class TEXT NOT NULL,
    triage TEXT NOT NULL,
    township_id BIGINT REFERENCES township(id),
    village_id BIGINT REFERENCES village(id),
    grid_id BIGINT REFERENCES grid(id),
    clue_id BIGINT REFERENCES clue(id),
    case_id BIGINT REFERENCES case_file(id),
    before_image TEXT,
    after_image TEXT,
    status TEXT NOT NULL,
    UNIQUE (batch_id, patch_no)
);
CREATE INDEX patch_place ON patch (county_id, township_id, village_id);
CREATE INDEX patch_box ON patch (county_id, min_lon, max_lon);

-- Field evidence (举证) for a patch and the county's review of it.
CREATE TABLE patch_verification (
    id BIGSERIAL PRIMARY KEY,
    patch_id BIGINT NOT NULL REFERENCES patch(id),
    county_id BIGINT NOT NULL REFERENCES county(id),
    determination TEXT NOT NULL,
    reason TEXT NOT NULL,
    permit_no TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    photos TEXT NOT NULL DEFAULT '',
    filed_by BIGINT NOT NULL REFERENCES app_user(id),
    filed_at TEXT NOT NULL,
    review TEXT NOT NULL DEFAULT '',
    review_note TEXT NOT NULL DEFAULT '',
    reviewed_by BIGINT REFERENCES app_user(id),
    reviewed_at TEXT
);
CREATE INDEX patch_verification_patch ON patch_verification (patch_id, id);

-- What a photo says about itself: EXIF time and position, and a perceptual hash that
-- survives re-encoding and resizing (for the truthfulness checks).
CREATE TABLE photo_meta (
    sha256 TEXT PRIMARY KEY REFERENCES attachment(sha256),
    taken_at TEXT,
    lon DOUBLE PRECISION,
    lat DOUBLE PRECISION,
    phash TEXT
);
