package io.everycloud.firmware.update;

import java.time.Instant;
import java.util.UUID;

/** An update as the API shows it. */
public record UpdateView(UUID id, String device, String version, String state, String message, boolean finished,
        boolean succeeded, String requestedBy, UUID rolloutId, Instant createdAt, Instant updatedAt) {

    public static UpdateView of(DeviceUpdate u) {
        return new UpdateView(u.id(), u.identity(), u.version(), u.state().name(), u.message(), u.finished(),
                u.succeeded(), u.requestedBy(), u.rolloutId(), u.createdAt(), u.updatedAt());
    }
}
