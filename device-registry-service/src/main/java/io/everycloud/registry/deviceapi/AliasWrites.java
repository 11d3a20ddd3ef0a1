package io.everycloud.registry.deviceapi;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.everycloud.events.RegistryEvents;
import io.everycloud.kit.problem.ProblemException;
import io.everycloud.registry.RegistryConfig;
import io.everycloud.registry.resource.DeviceWrite;
import io.everycloud.registry.resource.DeviceWrites;
import io.everycloud.registry.resource.Point;
import io.everycloud.registry.resource.ReservedAliases;
import io.everycloud.registry.routing.DataRouter;

/**
 * What a device's {@code POST /onep:v1/stack/alias} (and {@code /record}) does with its body,
 * whichever handler received it ({@link DeviceApiResource}, or {@link CachedDeviceWriteRoute} for
 * the common case): the pairs are parsed and checked (400 naming the field, 413 for a value over
 * the limit), then queued for the group commit, {@code data_in} routed to the device's apps.
 */
@ApplicationScoped
public class AliasWrites {

    @Inject
    RegistryConfig config;

    @Inject
    DeviceWrites writes;

    @Inject
    DataRouter router;

    /** The pairs of a write's body, checked; 400 when there is nothing to write and nothing to read. */
    public List<Map.Entry<String, String>> pairs(String body, boolean reads) {
        List<Map.Entry<String, String>> pairs = Form.parse(body);
        if (pairs.isEmpty() && !reads) {
            throw ProblemException.badRequest("body", "give the values to write: a=1&b=2");
        }
        for (Map.Entry<String, String> pair : pairs) {
            checkAlias("body", pair.getKey());
            checkSize(pair.getKey(), pair.getValue());
        }
        return pairs;
    }

    /** Queues the device's values as one write; the future completes after its commit (at once when there are none). */
    public CompletableFuture<List<Point>> write(DeviceAuth.AuthenticatedDevice device, List<Map.Entry<String, String>> pairs) {
        if (pairs.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        Instant now = Instant.now();
        List<Point> points = new ArrayList<>(pairs.size());
        for (Map.Entry<String, String> pair : pairs) {
            points.add(new Point(pair.getKey(), pair.getValue(), now, false, route(device, pair.getKey(), pair.getValue(), now)));
        }
        return submit(device, points);
    }

    /** Points (already checked) as one write of the device; the future completes with the recorded points refused as already recorded. */
    public CompletableFuture<List<Point>> submit(DeviceAuth.AuthenticatedDevice device, List<Point> points) {
        return writes.submit(new DeviceWrite(device.identity(), points, RegistryEvents.ResourceWritten.FROM_DEVICE));
    }

    /** The events {@code data_in} becomes for each app the device is routed to (none for other aliases). */
    public List<RegistryEvents.DataRouted> route(DeviceAuth.AuthenticatedDevice device, String alias, String value,
            Instant at) {
        return ReservedAliases.DATA_IN.equals(alias) ? router.route(device.identity(), device.apps(), alias, value, at)
                : List.of();
    }

    static void checkAlias(String field, String alias) {
        if (!ReservedAliases.validAlias(alias)) {
            throw ProblemException.badRequest(field, "'" + alias + "' is not an alias (1-64 characters of A-Z a-z 0-9 _ . : -)");
        }
    }

    void checkSize(String alias, String value) {
        if (value.getBytes(StandardCharsets.UTF_8).length > config.deviceApi().maxValueBytes()) {
            throw ProblemException.tooLarge("the value of " + alias + " is larger than "
                    + config.deviceApi().maxValueBytes() + " bytes");
        }
    }
}
