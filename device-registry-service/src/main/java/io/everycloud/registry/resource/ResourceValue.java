package io.everycloud.registry.resource;

import java.time.Instant;

/** The latest value of one alias of a device and when it was written. */
public record ResourceValue(String identity, String alias, String value, Instant updatedAt) {
}
