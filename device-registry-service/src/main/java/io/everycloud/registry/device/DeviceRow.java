package io.everycloud.registry.device;

import java.time.Instant;

/** A row of the device table. */
public record DeviceRow(String identity, DeviceStatus status, Instant createdAt, Instant activatedAt, Instant lastSeenAt) {
}
