-- Claim attempts no longer write their counters unless they fail. An attempt serialises with the
-- other attempts of its user and of its client address through two transaction-scoped advisory
-- locks (no row, no WAL), taken in key order so that two attempts never wait for each other in a
-- cycle, and then reads the counters as committed by the attempts before it: this function is
-- VOLATILE, so its query takes a snapshot after the locks are held (READ COMMITTED), and sees
-- every failure committed by an attempt that held them before. A failed attempt adds one to both
-- counters (creating them) while it still holds the locks; a successful one writes nothing.
-- Before (V2's scheme) every attempt upserted both counter rows to lock them: two new row versions
-- and their WAL per successful claim (7.6 WAL records of the attempt's statement, bench 2026-11-26).
CREATE FUNCTION claim_attempt_allowed(user_bucket TEXT, address_bucket TEXT, window_at TIMESTAMPTZ,
                                      user_limit INT, address_limit INT)
RETURNS BOOLEAN
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    user_key    BIGINT := hashtextextended(user_bucket, 0);
    address_key BIGINT := hashtextextended(address_bucket, 0);
BEGIN
    PERFORM pg_advisory_xact_lock(least(user_key, address_key));
    PERFORM pg_advisory_xact_lock(greatest(user_key, address_key));
    RETURN NOT EXISTS (
        SELECT 1 FROM claim_attempt_window w
        WHERE w.window_start = window_at
          AND ((w.bucket = user_bucket AND w.attempts >= user_limit)
            OR (w.bucket = address_bucket AND w.attempts >= address_limit)));
END
$$;
