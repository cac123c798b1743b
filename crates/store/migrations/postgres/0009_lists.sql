-- Lists become arrays (they were comma-separated text): a determination's photos and a
-- clue's attachments TEXT[] of SHA-256 hex, a daily report's clues BIGINT[]. A ledger
-- event's attachments stay text on purpose: the chain hashes them exactly as written.
ALTER TABLE clue ALTER COLUMN attachments DROP DEFAULT,
    ALTER COLUMN attachments TYPE TEXT[] USING COALESCE(string_to_array(NULLIF(attachments, ''), ','), '{}'),
    ALTER COLUMN attachments SET DEFAULT '{}';
ALTER TABLE patch_verification ALTER COLUMN photos DROP DEFAULT,
    ALTER COLUMN photos TYPE TEXT[] USING COALESCE(string_to_array(NULLIF(photos, ''), ','), '{}'),
    ALTER COLUMN photos SET DEFAULT '{}';
ALTER TABLE zero_report ALTER COLUMN clue_ids DROP DEFAULT,
    ALTER COLUMN clue_ids TYPE BIGINT[] USING COALESCE(string_to_array(NULLIF(clue_ids, ''), ',')::BIGINT[], '{}'),
    ALTER COLUMN clue_ids SET DEFAULT '{}';
