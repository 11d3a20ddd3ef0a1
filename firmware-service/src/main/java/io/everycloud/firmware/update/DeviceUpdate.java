package io.everycloud.firmware.update;

import java.time.Instant;
import java.util.UUID;

/** One update of one device (a database row). */
public record DeviceUpdate(UUID id, long seq, String identity, UUID packageId, String version, UpdateState state,
        String message, boolean finished, boolean succeeded, String requestedBy, UUID ownerId, UUID rolloutId,
        Instant createdAt, Instant updatedAt) {
}
