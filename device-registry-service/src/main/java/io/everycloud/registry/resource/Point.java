package io.everycloud.registry.resource;

import java.time.Instant;
import java.util.List;

import io.everycloud.events.RegistryEvents;

/**
 * One value to store for an alias. {@code recorded} points come from {@code /onep:v1/stack/record}
 * with the device's own timestamp and are kept per timestamp (a timestamp is accepted once);
 * {@code routed} is the transformed data to publish per app if the point is stored.
 */
public record Point(String alias, String value, Instant at, boolean recorded, List<RegistryEvents.DataRouted> routed) {

    public Point {
        routed = routed == null ? List.of() : List.copyOf(routed);
    }

    public static Point now(String alias, String value, Instant at) {
        return new Point(alias, value, at, false, List.of());
    }
}
