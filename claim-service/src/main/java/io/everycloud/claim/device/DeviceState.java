package io.everycloud.claim.device;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One device as claim-service sees it. {@code users} are the owners in effect here: the
 * registry's {@code users} tag, or the owners this service announced and the registry has not
 * echoed back yet ({@code pendingUsers}, since {@code pendingSince}).
 */
public record DeviceState(String identity, List<String> claimCodes, Instant expiresAt, List<UUID> users,
        List<String> apps, boolean transferOpen, List<UUID> pendingUsers, Instant pendingSince) {

    public DeviceState {
        claimCodes = List.copyOf(claimCodes);
        users = List.copyOf(users);
        apps = List.copyOf(apps);
        pendingUsers = pendingUsers == null ? null : List.copyOf(pendingUsers);
    }

    public boolean isOwned() {
        return !users.isEmpty();
    }

    public boolean isOwnedBy(UUID userId) {
        return users.contains(userId);
    }

    public boolean isExpired(Instant now) {
        return expiresAt != null && !expiresAt.isAfter(now);
    }

    /** The code printed on QR codes: the first of the {@code claim_code} tag. */
    public String primaryCode() {
        return claimCodes.isEmpty() ? identity : claimCodes.get(0);
    }
}
