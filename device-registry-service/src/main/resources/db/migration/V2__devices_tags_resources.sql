-- Devices, tags, resource values, recorded points and product settings (V1 is the skeleton's empty schema).
-- Identities, tag names and values use the "C" collation: byte order makes cursor pagination
-- (identity > :after) and identity-prefix search (a range [prefix, prefix || chr(127))) use the plain B-tree indexes.

CREATE TABLE device (
    identity     TEXT COLLATE "C" PRIMARY KEY,
    status       TEXT        NOT NULL CHECK (status IN ('provisioned', 'activated')),
    -- lowercase hex SHA-256 of the device token; the token itself is never stored
    token_hash   TEXT        UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    activated_at TIMESTAMPTZ,
    last_seen_at TIMESTAMPTZ
);
-- status filter in identity order; "seen in the last 24 h" for the fleet figures
CREATE INDEX device_status_idx ON device (status, identity);
CREATE INDEX device_last_seen_idx ON device (last_seen_at) WHERE last_seen_at IS NOT NULL;

CREATE TABLE device_tag (
    identity TEXT COLLATE "C" NOT NULL REFERENCES device (identity) ON DELETE CASCADE,
    name     TEXT COLLATE "C" NOT NULL,
    value    TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (identity, name, value)
);
-- tag search (tag=name:value): walks the devices holding one name/value in identity order
CREATE INDEX device_tag_search_idx ON device_tag (name, value, identity);

-- The latest value of each resource (alias) of a device.
CREATE TABLE resource_value (
    identity   TEXT COLLATE "C" NOT NULL REFERENCES device (identity) ON DELETE CASCADE,
    alias      TEXT COLLATE "C" NOT NULL,
    value      TEXT        NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (identity, alias)
);
-- fleet figures by firmware version
CREATE INDEX resource_fw_version_idx ON resource_value (value) WHERE alias = 'fw_version';

-- Timestamped points written with /onep:v1/stack/record; a timestamp is recorded once per alias.
CREATE TABLE resource_point (
    identity    TEXT COLLATE "C" NOT NULL REFERENCES device (identity) ON DELETE CASCADE,
    alias       TEXT COLLATE "C" NOT NULL,
    ts          BIGINT      NOT NULL,
    value       TEXT        NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (identity, alias, ts)
);

-- The one product this deployment serves: provisioning mode and the data transform.
CREATE TABLE product_setting (
    id           SMALLINT PRIMARY KEY CHECK (id = 1),
    provisioning TEXT        NOT NULL DEFAULT 'whitelist' CHECK (provisioning IN ('whitelist', 'open')),
    transform    TEXT,
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO product_setting (id) VALUES (1);
