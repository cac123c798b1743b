-- Evidence that holds up (R5, R18, R26, R29).

-- What the photo reader read, and what it could not: `unread` is a JSON list of
-- {code, detail}. Rows read by an older reader (reader_version below the current one) are
-- read again from their bytes at start; their `phash` was a difference hash until version 2.
ALTER TABLE photo_meta ADD COLUMN offset_time TEXT;
ALTER TABLE photo_meta ADD COLUMN width_px INTEGER;
ALTER TABLE photo_meta ADD COLUMN height_px INTEGER;
ALTER TABLE photo_meta ADD COLUMN unread TEXT NOT NULL DEFAULT '[]';
ALTER TABLE photo_meta ADD COLUMN reader_version INTEGER NOT NULL DEFAULT 1;

-- Each user who uploaded a file, and — when the phone page took or chose the photo — where
-- and when the phone was at that moment (its own clock, UTC), kept beside the EXIF and
-- compared with it. The first upload by a user is kept.
CREATE TABLE attachment_upload (
    sha256 TEXT NOT NULL REFERENCES attachment(sha256),
    user_id INTEGER NOT NULL REFERENCES app_user(id),
    uploaded_at TEXT NOT NULL,
    device_taken_at TEXT,
    device_lon REAL,
    device_lat REAL,
    device_accuracy_m REAL,
    PRIMARY KEY (sha256, user_id)
);

-- What each file is attached to, so it is served only to those who may see that:
-- owner 'case', 'patch', 'patrol' or 'track'.
CREATE TABLE attachment_use (
    sha256 TEXT NOT NULL REFERENCES attachment(sha256),
    county_id INTEGER NOT NULL REFERENCES county(id),
    owner TEXT NOT NULL,
    owner_id INTEGER NOT NULL,
    PRIMARY KEY (sha256, owner, owner_id)
);
CREATE INDEX attachment_use_owner ON attachment_use (owner, owner_id);

-- Corrected evidence: a determination that replaces a flagged one names it; the old one
-- stays in the record.
ALTER TABLE patch_verification ADD COLUMN corrects_id INTEGER REFERENCES patch_verification(id);
ALTER TABLE patch_verification ADD COLUMN correction_note TEXT NOT NULL DEFAULT '';

-- Signatures by the signer: who the signing account stood in for when it was not the
-- named person's own (代签), where the county allows it.
ALTER TABLE patrol_record ADD COLUMN head_proxy INTEGER NOT NULL DEFAULT 0;
ALTER TABLE patrol_record ADD COLUMN cadre_proxy INTEGER NOT NULL DEFAULT 0;
ALTER TABLE duty_setting ADD COLUMN proxy_signing INTEGER NOT NULL DEFAULT 0;

-- Secrets the server keys its pseudonymous hashes with (a tipster's network address and
-- device, a tip's secret): made on first use, kept with the database and backed up with it,
-- so a copy of the table alone cannot be reversed by trying every address.
CREATE TABLE server_secret (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- A clue near a case its filer may not see opens its own case; the two are suggested as
-- possibly one problem to whoever sees both (R10): 'merge' for an open case, 'recurrence'
-- for a closed one.
CREATE TABLE merge_suggestion (
    new_case_id INTEGER NOT NULL REFERENCES case_file(id),
    existing_case_id INTEGER NOT NULL REFERENCES case_file(id),
    county_id INTEGER NOT NULL REFERENCES county(id),
    kind TEXT NOT NULL,
    distance_m REAL NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (new_case_id, existing_case_id)
);
CREATE INDEX merge_suggestion_existing ON merge_suggestion (existing_case_id);
