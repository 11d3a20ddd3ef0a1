-- A device's request to be claimed by the account of the email it wrote (user-service's
-- account.device-account-ready.v1) that came before registry.device.v1 told this projection about
-- the device: parked here, in the inbox's transaction, and applied when the device arrives (see
-- OwnershipService). One per device: the newest request (by its event time) replaces older ones.
CREATE TABLE pending_device_email_claim (
    identity     TEXT        PRIMARY KEY,
    user_id      UUID        NOT NULL,
    -- when user-service announced the account (the event's time); past claim.device-email-claim-window it is not applied
    requested_at TIMESTAMPTZ NOT NULL
);
-- a deleted account's parked requests are dropped
CREATE INDEX pending_device_email_claim_user_idx ON pending_device_email_claim (user_id);
-- the scheduled clean-up of expired requests
CREATE INDEX pending_device_email_claim_requested_idx ON pending_device_email_claim (requested_at);
