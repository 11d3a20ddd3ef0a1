package io.everycloud.registry.resource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import io.agroal.api.AgroalDataSource;
import io.everycloud.events.RegistryEvents;
import io.everycloud.kit.outbox.Outbox;

/**
 * Stores device writes inside the caller's transaction: latest values, recorded points, last
 * seen, and the events (resource.written.v1 for announced aliases and platform writes,
 * data.routed.v1 per app). Long polls are woken after the commit. Several writes share the
 * statements (JDBC batches), so a batch of writes costs a few round trips and one commit.
 */
@ApplicationScoped
public class ResourceWriter {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    Outbox outbox;

    @Inject
    AfterCommit afterCommit;

    @Inject
    LongPolls polls;

    @Inject
    ReplicaWakeups replicas;

    @Inject
    io.everycloud.registry.RegistryConfig config;

    /** Applies the writes; returns, per write, the recorded points refused as already recorded. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Map<DeviceWrite, List<Point>> apply(List<DeviceWrite> writes) {
        Map<DeviceWrite, List<Point>> refused = new HashMap<>();
        List<ResourceValue> changed = new ArrayList<>();
        Set<String> platformWritten = new java.util.HashSet<>();
        for (DeviceWrite write : writes) {
            if (RegistryEvents.ResourceWritten.FROM_PLATFORM.equals(write.origin())) {
                write.points().forEach(p -> platformWritten.add(write.identity() + '\t' + p.alias()));
            }
        }
        try (Connection c = dataSource.getConnection()) {
            // 1. recorded points: a timestamp is taken once per alias
            List<Object[]> recorded = new ArrayList<>();
            for (DeviceWrite write : writes) {
                for (Point point : write.points()) {
                    if (point.recorded()) {
                        recorded.add(new Object[] { write, point });
                    }
                }
            }
            // identity sets: two equal points in one request are two points (the second one is refused)
            Set<Point> refusedPoints = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            if (!recorded.isEmpty()) {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO resource_point (identity, alias, ts, value) "
                        + "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                    for (Object[] entry : recorded) {
                        DeviceWrite write = (DeviceWrite) entry[0];
                        Point point = (Point) entry[1];
                        s.setString(1, write.identity());
                        s.setString(2, point.alias());
                        s.setLong(3, point.at().getEpochSecond());
                        s.setString(4, point.value());
                        s.addBatch();
                    }
                    int[] counts = s.executeBatch();
                    for (int i = 0; i < counts.length; i++) {
                        if (counts[i] == 0) {
                            Object[] entry = recorded.get(i);
                            refused.computeIfAbsent((DeviceWrite) entry[0], k -> new ArrayList<>()).add((Point) entry[1]);
                            refusedPoints.add((Point) entry[1]);
                        }
                    }
                }
            }
            // 2. latest values: a recorded point older than the current value does not replace it
            List<Object[]> stored = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("INSERT INTO resource_value (identity, alias, value, updated_at) "
                    + "VALUES (?, ?, ?, ?) ON CONFLICT (identity, alias) DO UPDATE SET value = EXCLUDED.value, "
                    + "updated_at = EXCLUDED.updated_at WHERE resource_value.updated_at <= EXCLUDED.updated_at")) {
                for (DeviceWrite write : writes) {
                    for (Point point : write.points()) {
                        if (refusedPoints.contains(point)) {
                            continue;
                        }
                        s.setString(1, write.identity());
                        s.setString(2, point.alias());
                        s.setString(3, point.value());
                        s.setTimestamp(4, Timestamp.from(point.at()));
                        s.addBatch();
                        stored.add(new Object[] { write, point });
                    }
                }
                if (!stored.isEmpty()) {
                    int[] counts = s.executeBatch();
                    for (int i = 0; i < counts.length; i++) {
                        if (counts[i] > 0) {
                            DeviceWrite write = (DeviceWrite) stored.get(i)[0];
                            Point point = (Point) stored.get(i)[1];
                            changed.add(new ResourceValue(write.identity(), point.alias(), point.value(), point.at()));
                        }
                    }
                }
            }
            // 3. last seen, once per device
            Set<String> seen = new LinkedHashSet<>();
            for (DeviceWrite write : writes) {
                if (RegistryEvents.ResourceWritten.FROM_DEVICE.equals(write.origin())) {
                    seen.add(write.identity());
                }
            }
            if (!seen.isEmpty()) {
                // at most once per resolution period: a chatty device does not rewrite its device row on every write
                Instant now = Instant.now();
                try (PreparedStatement s = c.prepareStatement("UPDATE device SET last_seen_at = ? WHERE identity = ANY (?) "
                        + "AND (last_seen_at IS NULL OR last_seen_at < ?)")) {
                    s.setTimestamp(1, Timestamp.from(now));
                    s.setArray(2, c.createArrayOf("text", seen.toArray()));
                    s.setTimestamp(3, Timestamp.from(now.minus(config.deviceApi().lastSeenResolution())));
                    s.executeUpdate();
                }
            }
            // 4. platform writes also wake the polls other replicas hold (NOTIFY is sent at commit)
            List<ResourceValue> fromPlatform = new ArrayList<>();
            for (int i = 0; i < changed.size(); i++) {
                ResourceValue value = changed.get(i);
                if (platformWritten.contains(value.identity() + '\t' + value.alias())) {
                    fromPlatform.add(value);
                }
            }
            if (!fromPlatform.isEmpty()) {
                replicas.announce(c, fromPlatform);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not store device writes: " + e.getMessage(), e);
        }
        // 5. events, in the same transaction
        for (Object[] entry : storedPoints(writes, refusedPointsOf(refused))) {
            DeviceWrite write = (DeviceWrite) entry[0];
            Point point = (Point) entry[1];
            boolean fromPlatform = RegistryEvents.ResourceWritten.FROM_PLATFORM.equals(write.origin());
            if (fromPlatform || ReservedAliases.ANNOUNCED.contains(point.alias())) {
                outbox.publish(write.identity(), new RegistryEvents.ResourceWritten(write.identity(), point.alias(),
                        point.value(), write.origin(), point.at()));
            }
            for (RegistryEvents.DataRouted routed : point.routed()) {
                outbox.publish(write.identity(), routed);
            }
        }
        if (!changed.isEmpty()) {
            afterCommit.run(() -> changed.forEach(polls::wake));
        }
        return refused;
    }

    private static Set<Point> refusedPointsOf(Map<DeviceWrite, List<Point>> refused) {
        Set<Point> out = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        refused.values().forEach(out::addAll);
        return out;
    }

    private static List<Object[]> storedPoints(List<DeviceWrite> writes, Set<Point> refused) {
        List<Object[]> out = new ArrayList<>();
        for (DeviceWrite write : writes) {
            for (Point point : write.points()) {
                if (!refused.contains(point)) {
                    out.add(new Object[] { write, point });
                }
            }
        }
        return out;
    }
}
