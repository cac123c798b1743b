-- PostgreSQL's comma-separated lists become arrays in its 0009. SQLite has no arrays: the
-- same columns become JSON arrays in text, which json_each can open. The items are
-- SHA-256 hex and ids, so no item holds a comma or a quote. (The columns keep their
-- declared default '', which reads as an empty list: SQLite cannot change a default in place.)
UPDATE clue SET attachments = CASE WHEN attachments = '' THEN '[]'
    ELSE '["' || replace(attachments, ',', '","') || '"]' END;
UPDATE patch_verification SET photos = CASE WHEN photos = '' THEN '[]'
    ELSE '["' || replace(photos, ',', '","') || '"]' END;
UPDATE zero_report SET clue_ids = CASE WHEN clue_ids = '' THEN '[]'
    ELSE '[' || clue_ids || ']' END;
