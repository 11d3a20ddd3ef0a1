-- Notification service schema. The outbox and inbox tables come from platform/service-kit (db/kit).

-- Email templates the oem edited; a type without a row uses its built-in default.
CREATE TABLE email_template (
    type       TEXT        PRIMARY KEY,
    subject    TEXT        NOT NULL,
    html       TEXT        NOT NULL,
    text       TEXT,
    variables  TEXT        NOT NULL DEFAULT '{}',
    enabled    BOOLEAN     NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Variables usable in every template (the seed's vendor.template "globals"): one row per key.
CREATE TABLE template_global (
    name       TEXT        PRIMARY KEY,
    value      TEXT        NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Projection of portal.settings.v1 branding.changed: the one row the next email is branded with.
CREATE TABLE branding (
    id         SMALLINT    PRIMARY KEY CHECK (id = 1),
    branding   TEXT        NOT NULL,
    logo_url   TEXT,
    device_picture_url TEXT,
    changed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Projection of user.account.v1: where to write to, and whether we may.
CREATE TABLE recipient (
    user_id    UUID        PRIMARY KEY,
    email      TEXT,
    name       TEXT,
    status     TEXT        NOT NULL CHECK (status IN ('active', 'blocked', 'deleted')),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Projection of claim.ownership.v1: who owns which device (for firmware emails).
CREATE TABLE device_owner (
    identity   TEXT        NOT NULL,
    user_id    UUID        NOT NULL,
    since      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (identity, user_id)
);
CREATE INDEX device_owner_user_idx ON device_owner (user_id, identity);

-- Signed data deliveries to apps.
CREATE TABLE webhook (
    app_id     TEXT        PRIMARY KEY,
    url        TEXT        NOT NULL,
    secret     TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The delivery log, also the queue the senders work from: a row is written in the same
-- transaction as the inbox entry of the event that caused it, then sent (or failed) later.
CREATE TABLE delivery (
    seq             BIGSERIAL   PRIMARY KEY,
    id              UUID        NOT NULL UNIQUE,
    kind            TEXT        NOT NULL CHECK (kind IN ('email', 'webhook')),
    type            TEXT        NOT NULL,
    recipient       TEXT        NOT NULL,
    user_id         UUID,
    ordering_key    TEXT,
    subject         TEXT,
    html            TEXT,
    text            TEXT,
    payload         TEXT,
    status          TEXT        NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INT         NOT NULL DEFAULT 0,
    last_error      TEXT,
    next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    event_id        UUID        NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    sent_at         TIMESTAMPTZ,
    -- One event causes at most one delivery per recipient and type, whatever happens upstream.
    UNIQUE (event_id, kind, type, recipient)
);
CREATE INDEX delivery_due_idx ON delivery (kind, next_attempt_at, seq) WHERE status = 'pending';
CREATE INDEX delivery_webhook_head_idx ON delivery (recipient, ordering_key, seq) WHERE status = 'pending' AND kind = 'webhook';
CREATE INDEX delivery_recipient_idx ON delivery (lower(recipient), seq);
CREATE INDEX delivery_type_idx ON delivery (type, seq);
CREATE INDEX delivery_status_idx ON delivery (status, seq);
