-- Moments become TIMESTAMPTZ (they were RFC 3339 UTC text). SQLite has no time type and keeps
-- the text, which sorts the same way (its 0008 is empty). Left as text on purpose: the ledger
-- events' `at` (hashed into the chain exactly as written), the chain head's `touched_at`, and
-- what cameras write into a photo (`photo_meta.taken_at`, local time with its own offset),
-- which is a reading, not a moment the system fixed.
ALTER TABLE app_user ALTER COLUMN created_at TYPE TIMESTAMPTZ USING NULLIF(created_at, '')::timestamptz;
ALTER TABLE user_session ALTER COLUMN created_at TYPE TIMESTAMPTZ USING NULLIF(created_at, '')::timestamptz, ALTER COLUMN expires_at TYPE TIMESTAMPTZ USING NULLIF(expires_at, '')::timestamptz;
ALTER TABLE api_token ALTER COLUMN created_at TYPE TIMESTAMPTZ USING NULLIF(created_at, '')::timestamptz, ALTER COLUMN expires_at TYPE TIMESTAMPTZ USING NULLIF(expires_at, '')::timestamptz, ALTER COLUMN revoked_at TYPE TIMESTAMPTZ USING NULLIF(revoked_at, '')::timestamptz;
ALTER TABLE case_file ALTER COLUMN opened_at TYPE TIMESTAMPTZ USING NULLIF(opened_at, '')::timestamptz, ALTER COLUMN updated_at TYPE TIMESTAMPTZ USING NULLIF(updated_at, '')::timestamptz, ALTER COLUMN closed_at TYPE TIMESTAMPTZ USING NULLIF(closed_at, '')::timestamptz;
ALTER TABLE clue ALTER COLUMN observed_at TYPE TIMESTAMPTZ USING NULLIF(observed_at, '')::timestamptz, ALTER COLUMN filed_at TYPE TIMESTAMPTZ USING NULLIF(filed_at, '')::timestamptz;
ALTER TABLE attachment ALTER COLUMN created_at TYPE TIMESTAMPTZ USING NULLIF(created_at, '')::timestamptz;
ALTER TABLE look_back ALTER COLUMN done_at TYPE TIMESTAMPTZ USING NULLIF(done_at, '')::timestamptz;
ALTER TABLE register_import ALTER COLUMN imported_at TYPE TIMESTAMPTZ USING NULLIF(imported_at, '')::timestamptz;
ALTER TABLE patch_batch ALTER COLUMN imported_at TYPE TIMESTAMPTZ USING NULLIF(imported_at, '')::timestamptz;
ALTER TABLE patch_verification ALTER COLUMN filed_at TYPE TIMESTAMPTZ USING NULLIF(filed_at, '')::timestamptz, ALTER COLUMN reviewed_at TYPE TIMESTAMPTZ USING NULLIF(reviewed_at, '')::timestamptz;
ALTER TABLE duty_setting ALTER COLUMN updated_at TYPE TIMESTAMPTZ USING NULLIF(updated_at, '')::timestamptz;
ALTER TABLE zero_report ALTER COLUMN filed_at TYPE TIMESTAMPTZ USING NULLIF(filed_at, '')::timestamptz;
ALTER TABLE patrol_record ALTER COLUMN cadre_signed_at TYPE TIMESTAMPTZ USING NULLIF(cadre_signed_at, '')::timestamptz, ALTER COLUMN head_signed_at TYPE TIMESTAMPTZ USING NULLIF(head_signed_at, '')::timestamptz, ALTER COLUMN confirmed_at TYPE TIMESTAMPTZ USING NULLIF(confirmed_at, '')::timestamptz, ALTER COLUMN created_at TYPE TIMESTAMPTZ USING NULLIF(created_at, '')::timestamptz;
ALTER TABLE patrol_track ALTER COLUMN started_at TYPE TIMESTAMPTZ USING NULLIF(started_at, '')::timestamptz, ALTER COLUMN ended_at TYPE TIMESTAMPTZ USING NULLIF(ended_at, '')::timestamptz, ALTER COLUMN uploaded_at TYPE TIMESTAMPTZ USING NULLIF(uploaded_at, '')::timestamptz;
ALTER TABLE accountability_lead ALTER COLUMN raised_at TYPE TIMESTAMPTZ USING NULLIF(raised_at, '')::timestamptz, ALTER COLUMN answered_at TYPE TIMESTAMPTZ USING NULLIF(answered_at, '')::timestamptz, ALTER COLUMN concluded_at TYPE TIMESTAMPTZ USING NULLIF(concluded_at, '')::timestamptz;
ALTER TABLE work_calendar_day ALTER COLUMN updated_at TYPE TIMESTAMPTZ USING NULLIF(updated_at, '')::timestamptz;
ALTER TABLE tip_policy ALTER COLUMN updated_at TYPE TIMESTAMPTZ USING NULLIF(updated_at, '')::timestamptz;
ALTER TABLE tip ALTER COLUMN call_at TYPE TIMESTAMPTZ USING NULLIF(call_at, '')::timestamptz, ALTER COLUMN received_at TYPE TIMESTAMPTZ USING NULLIF(received_at, '')::timestamptz, ALTER COLUMN accepted_at TYPE TIMESTAMPTZ USING NULLIF(accepted_at, '')::timestamptz, ALTER COLUMN verified_at TYPE TIMESTAMPTZ USING NULLIF(verified_at, '')::timestamptz, ALTER COLUMN answered_at TYPE TIMESTAMPTZ USING NULLIF(answered_at, '')::timestamptz;
ALTER TABLE tipster ALTER COLUMN created_at TYPE TIMESTAMPTZ USING NULLIF(created_at, '')::timestamptz;
ALTER TABLE tipster_view ALTER COLUMN viewed_at TYPE TIMESTAMPTZ USING NULLIF(viewed_at, '')::timestamptz;
ALTER TABLE reward ALTER COLUMN computed_at TYPE TIMESTAMPTZ USING NULLIF(computed_at, '')::timestamptz, ALTER COLUMN approved_at TYPE TIMESTAMPTZ USING NULLIF(approved_at, '')::timestamptz, ALTER COLUMN paid_at TYPE TIMESTAMPTZ USING NULLIF(paid_at, '')::timestamptz;
ALTER TABLE attachment_upload ALTER COLUMN uploaded_at TYPE TIMESTAMPTZ USING NULLIF(uploaded_at, '')::timestamptz, ALTER COLUMN device_taken_at TYPE TIMESTAMPTZ USING NULLIF(device_taken_at, '')::timestamptz;
ALTER TABLE merge_suggestion ALTER COLUMN created_at TYPE TIMESTAMPTZ USING NULLIF(created_at, '')::timestamptz;
