-- PostgreSQL's moments become TIMESTAMPTZ in its 0008. SQLite has no time type: they stay
-- RFC 3339 UTC text with milliseconds, which sorts as text. Nothing to do.
SELECT 1;
