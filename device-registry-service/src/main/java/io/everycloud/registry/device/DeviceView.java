package io.everycloud.registry.device;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A device as the management API shows it. {@code resources} (latest value and time per alias)
 * is present on {@code GET /api/devices/{identity}}; lists leave it out (values may be 1 MiB each).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeviceView(String identity, String status, Instant createdAt, Instant activatedAt, Instant lastSeenAt,
        Map<String, List<String>> tags, Map<String, ResourceView> resources) {

    /** The latest value of one resource. */
    public record ResourceView(String value, Instant updatedAt) {
    }

    public static DeviceView of(DeviceRow row, Map<String, List<String>> tags, Map<String, ResourceView> resources) {
        return new DeviceView(row.identity(), row.status().value(), row.createdAt(), row.activatedAt(), row.lastSeenAt(),
                tags, resources);
    }
}
