-- Branding assets uploaded by the OEM. A missing row means the default shipped in the service is
-- served; the rows live in the service's database so they survive upgrades of the image.
CREATE TABLE branding_asset (
    name         text PRIMARY KEY,
    content      bytea       NOT NULL,
    content_type text        NOT NULL,
    etag         text        NOT NULL,
    updated_at   timestamptz NOT NULL
);

-- The connector settings: one row (id = 1).
CREATE TABLE connector_settings (
    id                 integer PRIMARY KEY CHECK (id = 1),
    domain             text        NOT NULL,
    managed_apps       text        NOT NULL,   -- JSON array of app ids, in the operator's order
    publication_mode   text        NOT NULL CHECK (publication_mode IN ('private', 'public')),
    business_whitelist text        NOT NULL,   -- JSON array of business ids
    updated_at         timestamptz NOT NULL
);

-- Metadata of applications shown in the portal (managed apps).
CREATE TABLE managed_app (
    app_id      text PRIMARY KEY,
    name        text        NOT NULL,
    description text        NOT NULL,
    url         text        NOT NULL,
    logo_url    text,
    updated_at  timestamptz NOT NULL
);

-- Browser sessions. The cookie holds a random secret; only its SHA-256 is stored. The tokens the
-- portal uses on the user's behalf stay here and never reach the browser.
CREATE TABLE portal_session (
    id_hash       text PRIMARY KEY,
    csrf_token    text        NOT NULL,
    user_id       text,
    email         text,
    access_token  text,
    refresh_token text,
    access_expires_at timestamptz,
    pending_next  text,
    created_at    timestamptz NOT NULL,
    last_used_at  timestamptz NOT NULL
);
CREATE INDEX portal_session_last_used ON portal_session (last_used_at);
