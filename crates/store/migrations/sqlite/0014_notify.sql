-- Notifications (R25): one outbox. A notification is addressed to a unit (a township, or the
-- county office where township_id is NULL), read in the app by the unit's users, and handed
-- to each channel the county switched on for that unit (a WeChat Work or DingTalk group robot,
-- an SMS gateway, e-mail). A delivery is retried until it goes through, and shows meanwhile.
CREATE TABLE notify_channel (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    county_id INTEGER NOT NULL REFERENCES county(id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    township_id INTEGER REFERENCES township(id),
    endpoint TEXT NOT NULL,
    recipients TEXT NOT NULL DEFAULT '',
    sender TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);

CREATE TABLE notification (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    county_id INTEGER NOT NULL REFERENCES county(id),
    township_id INTEGER REFERENCES township(id),
    dedupe_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (county_id, dedupe_key)
);
CREATE INDEX notification_unit ON notification (county_id, township_id, id);

CREATE TABLE notification_read (
    notification_id INTEGER NOT NULL REFERENCES notification(id),
    user_id INTEGER NOT NULL REFERENCES app_user(id),
    read_at TEXT NOT NULL,
    PRIMARY KEY (notification_id, user_id)
);

CREATE TABLE delivery (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    notification_id INTEGER NOT NULL REFERENCES notification(id),
    channel_id INTEGER NOT NULL REFERENCES notify_channel(id),
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    sent_at TEXT
);
CREATE INDEX delivery_due ON delivery (status, next_attempt_at);
