CREATE TABLE note (
    id   BIGSERIAL PRIMARY KEY,
    text TEXT NOT NULL
);
CREATE TABLE applied (
    seq      BIGSERIAL PRIMARY KEY,
    event_id UUID NOT NULL,
    subject  TEXT NOT NULL,
    value    TEXT
);
