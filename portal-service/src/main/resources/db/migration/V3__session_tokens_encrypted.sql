-- The tokens kept with sessions are encrypted from this version on (AES-GCM, "v1.<key id>.<data>",
-- see TokenCipher). Sessions holding tokens in plain text are removed, so no plain token stays
-- in the database or its backups; their users sign in again.
DELETE FROM portal_session
 WHERE (access_token IS NOT NULL AND access_token NOT LIKE 'v1.%')
    OR (refresh_token IS NOT NULL AND refresh_token NOT LIKE 'v1.%');

COMMENT ON COLUMN portal_session.access_token IS 'AES-GCM encrypted (v1.<key id>.<base64url nonce|ciphertext|tag>), bound to id_hash';
COMMENT ON COLUMN portal_session.refresh_token IS 'AES-GCM encrypted (v1.<key id>.<base64url nonce|ciphertext|tag>), bound to id_hash';
