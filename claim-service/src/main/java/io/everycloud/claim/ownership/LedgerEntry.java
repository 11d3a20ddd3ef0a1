package io.everycloud.claim.ownership;

import java.time.Instant;
import java.util.UUID;

/**
 * One ownership change: what happened ({@code action}: claimed, transferred, released, reset),
 * to which device, for which user ({@code userId}: the new owner, or the owner who left;
 * {@code previousUserId} on a transfer), how ({@code method}), by whom ({@code actor}: a user or
 * operator id, {@code device}, or {@code user-service}) and when.
 */
public record LedgerEntry(long id, String identity, String action, UUID userId, UUID previousUserId, String method,
        String actor, String eventId, Instant recordedAt) {

    public static final String CLAIMED = "claimed";
    public static final String TRANSFERRED = "transferred";
    public static final String RELEASED = "released";
    public static final String RESET = "reset";

    public static final java.util.Set<String> ACTIONS = java.util.Set.of(CLAIMED, TRANSFERRED, RELEASED, RESET);
}
