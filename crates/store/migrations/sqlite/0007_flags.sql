-- PostgreSQL's flags become booleans in its 0007. SQLite has no boolean type: its flags
-- stay INTEGER 0/1, which sqlx reads as bool, and TRUE/FALSE are 1/0 here. Nothing to do.
SELECT 1;
