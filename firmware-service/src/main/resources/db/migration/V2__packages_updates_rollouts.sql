-- Packages and their content, the device projection, updates with their history, and staged rollouts.

-- One row: the feature switch and the key that signs content URLs (shared by all replicas).
CREATE TABLE firmware_settings (
    id                      INT PRIMARY KEY CHECK (id = 1),
    enable_firmware_update  TEXT        NOT NULL CHECK (enable_firmware_update IN ('enabled', 'disabled')),
    signing_key             BYTEA       NOT NULL,
    updated_at              TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE firmware_package (
    id            UUID PRIMARY KEY,
    seq           BIGSERIAL   NOT NULL UNIQUE,
    version       TEXT        NOT NULL UNIQUE,
    name          TEXT,
    description   TEXT,
    type          TEXT        NOT NULL CHECK (type IN ('FILE', 'JSON', 'URL_LIST')),
    payload       JSONB,
    author        TEXT,
    product       TEXT        NOT NULL,
    metadata_name TEXT        NOT NULL,
    file_name     TEXT,
    content_type  TEXT        NOT NULL,
    sha256        TEXT        NOT NULL,
    size          BIGINT      NOT NULL,
    created_by    TEXT        NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Package binaries in 1 MiB rows, so neither upload nor download ever holds a whole file.
CREATE TABLE package_chunk (
    content_id UUID    NOT NULL,
    seq        INT     NOT NULL,
    data       BYTEA   NOT NULL,
    PRIMARY KEY (content_id, seq)
);

-- What firmware knows about devices, from registry.device.v1 and registry.resource.v1.
CREATE TABLE device (
    identity          TEXT PRIMARY KEY,
    token_hash        TEXT,
    tags              JSONB       NOT NULL DEFAULT '{}'::jsonb,
    installed_version TEXT,
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX device_token_idx ON device (token_hash) WHERE token_hash IS NOT NULL;
CREATE INDEX device_tags_idx ON device USING gin (tags);

CREATE TABLE rollout (
    id                 UUID PRIMARY KEY,
    seq                BIGSERIAL   NOT NULL UNIQUE,
    package_id         UUID        REFERENCES firmware_package (id) ON DELETE SET NULL,
    version            TEXT        NOT NULL,
    tag_filter         JSONB       NOT NULL,
    mode               TEXT        NOT NULL CHECK (mode IN ('PUSH', 'ASK_OWNERS')),
    batch_size         INT         NOT NULL,
    success_threshold  INT         NOT NULL,
    failure_threshold  INT         NOT NULL,
    minimum_finished   INT         NOT NULL,
    state              TEXT        NOT NULL,
    current_batch      INT         NOT NULL DEFAULT 0,
    batch_count        INT         NOT NULL,
    reason             TEXT,
    created_by         TEXT        NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One row per device update (a request, an OEM push or a rollout batch member).
CREATE TABLE device_update (
    id            UUID PRIMARY KEY,
    seq           BIGSERIAL   NOT NULL UNIQUE,
    identity      TEXT        NOT NULL,
    package_id    UUID        REFERENCES firmware_package (id) ON DELETE SET NULL,
    version       TEXT        NOT NULL,
    state         TEXT        NOT NULL,
    message       TEXT,
    finished      BOOLEAN     NOT NULL DEFAULT false,
    succeeded     BOOLEAN     NOT NULL DEFAULT false,
    requested_by  TEXT        NOT NULL,
    owner_id      UUID,
    rollout_id    UUID        REFERENCES rollout (id),
    config_otau   JSONB       NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- At most one running update per device.
CREATE UNIQUE INDEX device_update_running_idx ON device_update (identity) WHERE NOT finished;
CREATE INDEX device_update_identity_idx ON device_update (identity, seq);
CREATE INDEX device_update_state_idx ON device_update (state, seq);
CREATE INDEX device_update_stale_idx ON device_update (updated_at) WHERE NOT finished;
CREATE INDEX device_update_package_idx ON device_update (package_id) WHERE NOT finished;

-- Every state an update went through: the history owners and operators see.
CREATE TABLE update_transition (
    id         BIGSERIAL PRIMARY KEY,
    update_id  UUID        NOT NULL REFERENCES device_update (id) ON DELETE CASCADE,
    identity   TEXT        NOT NULL,
    version    TEXT        NOT NULL,
    state      TEXT        NOT NULL,
    message    TEXT,
    at         TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX update_transition_identity_idx ON update_transition (identity, id);

-- The devices a rollout targets, in batches.
CREATE TABLE rollout_target (
    rollout_id UUID NOT NULL REFERENCES rollout (id) ON DELETE CASCADE,
    identity   TEXT NOT NULL,
    batch      INT  NOT NULL,
    status     TEXT NOT NULL,
    update_id  UUID,
    PRIMARY KEY (rollout_id, identity)
);
CREATE INDEX rollout_target_batch_idx ON rollout_target (rollout_id, batch);
CREATE INDEX rollout_target_update_idx ON rollout_target (update_id);
