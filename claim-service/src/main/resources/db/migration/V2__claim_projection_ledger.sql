-- The claim service's own view of every device, fed by registry.device.v1. The registry's tags
-- are the truth; this projection adds what only claim-service knows (a transfer being open, an
-- ownership change it announced that the registry has not confirmed yet).
CREATE TABLE device (
    identity       TEXT        PRIMARY KEY,
    claim_codes    TEXT[]      NOT NULL,
    -- the `expires` tag (Unix seconds) as a timestamp; null = never expires
    expires_at     TIMESTAMPTZ,
    users          UUID[]      NOT NULL DEFAULT '{}',
    apps           TEXT[]      NOT NULL DEFAULT '{}',
    -- a new claim code was set while the device had an owner: the next claim with it transfers
    transfer_open  BOOLEAN     NOT NULL DEFAULT false,
    -- owners this service announced and the registry has not echoed back yet (see DeviceRepository)
    pending_users  UUID[],
    pending_since  TIMESTAMPTZ,
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX device_users_idx ON device USING GIN (users);

-- Claim codes by SHA-256, so a lookup never compares the secret itself in variable time; one
-- code may cover many devices.
CREATE TABLE claim_code (
    code_hash BYTEA NOT NULL,
    identity  TEXT  NOT NULL REFERENCES device (identity) ON DELETE CASCADE,
    code      TEXT  NOT NULL,
    PRIMARY KEY (code_hash, identity)
);
CREATE INDEX claim_code_identity_idx ON claim_code (identity);

-- The user's apps with {"default": true} in user data (app_<id>), added to every device they claim.
CREATE TABLE user_default_app (
    user_id UUID NOT NULL,
    app_id  TEXT NOT NULL,
    PRIMARY KEY (user_id, app_id)
);

-- Every ownership change: who (actor), when, how (method), what (action).
CREATE TABLE ownership_ledger (
    id               BIGSERIAL   PRIMARY KEY,
    identity         TEXT        NOT NULL,
    action           TEXT        NOT NULL,
    user_id          UUID,
    previous_user_id UUID,
    method           TEXT        NOT NULL,
    actor            TEXT        NOT NULL,
    event_id         UUID        NOT NULL,
    recorded_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX ownership_ledger_identity_idx ON ownership_ledger (identity, id);
CREATE INDEX ownership_ledger_user_idx ON ownership_ledger (user_id, id);

-- Claim attempts per fixed window and bucket (user:<id>, address:<ip>), for rate limiting.
CREATE TABLE claim_attempt_window (
    bucket       TEXT        NOT NULL,
    window_start TIMESTAMPTZ NOT NULL,
    attempts     INT         NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
CREATE INDEX claim_attempt_window_start_idx ON claim_attempt_window (window_start);
