package io.everycloud.registry.resource;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Values one request writes for one device; {@code done} completes after the commit with the
 * recorded points that were refused (their timestamp was recorded before).
 */
public record DeviceWrite(String identity, List<Point> points, String origin, CompletableFuture<List<Point>> done) {

    public DeviceWrite(String identity, List<Point> points, String origin) {
        this(identity, List.copyOf(points), origin, new CompletableFuture<>());
    }
}
