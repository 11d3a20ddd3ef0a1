package io.everycloud.registry.resource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import io.agroal.api.AgroalDataSource;
import io.everycloud.events.Envelope;
import io.everycloud.events.RegistryEvents;
import io.everycloud.kit.outbox.Outbox;

/**
 * Stores device writes: latest values, recorded points and the events (resource.written.v1 for
 * announced aliases and platform writes, data.routed.v1 per app), in the caller's JTA transaction
 * ({@link #apply}) or in a JDBC transaction of their own ({@link #applyAlone}, the group commit's).
 * Long polls are woken after the commit. Several writes share the statements (one statement per
 * table for the whole group), so a batch of writes costs a few round trips and one commit; the
 * group commit's common group (device alias writes) is one statement, values and events together.
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

    /**
     * Applies the writes in the caller's (JTA) transaction; returns, per write, the recorded points
     * refused as already recorded. Long polls are woken after the commit.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Map<DeviceWrite, List<Point>> apply(List<DeviceWrite> writes) {
        Stored stored;
        try (Connection c = dataSource.getConnection()) {
            stored = store(c, writes);
        } catch (SQLException e) {
            throw notStored(e);
        }
        outbox.publishAll(stored.events());
        if (!stored.changed().isEmpty()) {
            afterCommit.run(() -> stored.changed().forEach(polls::wake));
        }
        return stored.refused();
    }

    /**
     * Applies the writes in a transaction of their own on a plain JDBC connection, without the
     * transaction manager: the group commit's hot path ({@link DeviceWrites}), where JTA's begin,
     * enlistment, synchronizations and commit cost more CPU than a group's statements. Must not be
     * called inside a JTA transaction. The values, the points and the outbox rows commit together
     * or not at all; the relay and the long polls are woken after the commit.
     */
    public Map<DeviceWrite, List<Point>> applyAlone(List<DeviceWrite> writes) {
        Stored stored;
        try (Connection c = dataSource.getConnection()) {
            if (latestOnly(writes)) {
                stored = storeInOneStatement(c, writes);
                if (stored != null) {
                    woken(stored);
                    return stored.refused();
                }
            }
            c.setAutoCommit(false);
            try {
                stored = store(c, writes);
                outbox.publishAll(c, stored.events());
                c.commit();
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw notStored(e);
        }
        woken(stored);
        return stored.refused();
    }

    /** After the commit: the relay for the events, the long polls for the values changed. */
    private void woken(Stored stored) {
        if (!stored.events().isEmpty()) {
            outbox.committed();
        }
        stored.changed().forEach(polls::wake);
    }

    /**
     * Whether a group only sets latest values (device alias writes): no recorded points, whose
     * refusals decide which events are sent, and no platform writes, which also notify replicas.
     */
    private static boolean latestOnly(List<DeviceWrite> writes) {
        for (DeviceWrite write : writes) {
            if (RegistryEvents.ResourceWritten.FROM_PLATFORM.equals(write.origin())) {
                return false;
            }
            for (Point point : write.points()) {
                if (point.recorded()) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * The common group, device alias writes, in one statement and one round trip: the latest
     * values and the outbox rows as data-modifying CTEs, committed as one transaction (auto-commit),
     * instead of a transaction's three round trips (the values, the outbox, the commit). Null when
     * the events need more outbox rows than one statement takes (or there is no value); the caller
     * then stores the group in a transaction.
     */
    private Stored storeInOneStatement(Connection c, List<DeviceWrite> writes) throws SQLException {
        List<Envelope> events = events(writes, Set.of());
        Outbox.Rows rows = outbox.prepareAll(events);
        if (!rows.fitsOneStatement()) {
            return null;
        }
        Map<String, Object[]> latest = latest(writes, Set.of());
        if (latest.isEmpty()) {
            return null;
        }
        if (!c.getAutoCommit()) {
            c.setAutoCommit(true);
        }
        String sql = "WITH changed AS (" + UPSERT_LATEST + ")"
                + (rows.size() == 0 ? "" : ", announced AS (" + rows.sql() + ")")
                + " SELECT identity, alias FROM changed";
        List<ResourceValue> changed = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            int next = bindLatest(c, s, latest);
            if (rows.size() > 0) {
                rows.bind(s, next);
            }
            try (ResultSet rs = s.executeQuery()) {
                readChanged(rs, latest, changed);
            }
        }
        return new Stored(Map.of(), changed, events);
    }

    private static IllegalStateException notStored(SQLException e) {
        return new IllegalStateException("could not store device writes: " + e.getMessage(), e);
    }

    /** What storing a group of writes did: the points refused per write, the values changed, the events to announce. */
    private record Stored(Map<DeviceWrite, List<Point>> refused, List<ResourceValue> changed, List<Envelope> events) {
    }

    private Stored store(Connection c, List<DeviceWrite> writes) throws SQLException {
        Map<DeviceWrite, List<Point>> refused = new HashMap<>();
        List<ResourceValue> changed = new ArrayList<>();
        Set<String> platformWritten = new java.util.HashSet<>();
        for (DeviceWrite write : writes) {
            if (RegistryEvents.ResourceWritten.FROM_PLATFORM.equals(write.origin())) {
                write.points().forEach(p -> platformWritten.add(write.identity() + '\t' + p.alias()));
            }
        }
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
        // 2. latest values, one statement for the group
        Map<String, Object[]> latest = latest(writes, refusedPoints);
        if (!latest.isEmpty()) {
            try (PreparedStatement s = c.prepareStatement(UPSERT_LATEST)) {
                bindLatest(c, s, latest);
                try (ResultSet rs = s.executeQuery()) {
                    readChanged(rs, latest, changed);
                }
            }
        }
        // last seen is not written here: every device request refreshes it when it is due, as its
        // token is checked (DeviceAuth, at most once per last-seen resolution), before the write is queued
        // 3. platform writes also wake the polls other replicas hold (NOTIFY is sent at commit)
        List<ResourceValue> platformValues = new ArrayList<>();
        for (int i = 0; i < changed.size(); i++) {
            ResourceValue value = changed.get(i);
            if (platformWritten.contains(value.identity() + '\t' + value.alias())) {
                platformValues.add(value);
            }
        }
        if (!platformValues.isEmpty()) {
            replicas.announce(c, platformValues);
        }
        // 4. events, in the same transaction: one outbox statement and one row per topic for the whole group
        List<Envelope> events = events(writes, refusedPointsOf(refused));
        return new Stored(refused, changed, events);
    }

    /**
     * The latest value update of a group: per alias of a device, the newest point (the later write
     * on a tie); a point older than the stored value does not replace it. Returns the rows changed.
     */
    private static final String UPSERT_LATEST = "INSERT INTO resource_value (identity, alias, value, updated_at) "
            + "SELECT v.identity, v.alias, v.value, TIMESTAMPTZ 'epoch' + v.us * INTERVAL '1 microsecond' "
            + "FROM unnest(?::text[], ?::text[], ?::text[], ?::bigint[]) AS v (identity, alias, value, us) "
            + "ON CONFLICT (identity, alias) DO UPDATE SET value = EXCLUDED.value, "
            + "updated_at = EXCLUDED.updated_at WHERE resource_value.updated_at <= EXCLUDED.updated_at "
            + "RETURNING identity, alias";

    /** Per device and alias ({@code identity \t alias}) the newest point to store, with its write. */
    private static Map<String, Object[]> latest(List<DeviceWrite> writes, Set<Point> refusedPoints) {
        Map<String, Object[]> latest = new LinkedHashMap<>();
        for (DeviceWrite write : writes) {
            for (Point point : write.points()) {
                if (refusedPoints.contains(point)) {
                    continue;
                }
                String key = write.identity() + '\t' + point.alias();
                Object[] before = latest.get(key);
                if (before == null || !((Point) before[1]).at().isAfter(point.at())) {
                    latest.put(key, new Object[] { write, point });
                }
            }
        }
        return latest;
    }

    /** Binds {@link #UPSERT_LATEST}'s four arrays from parameter 1; returns the next free index. */
    private static int bindLatest(Connection c, PreparedStatement s, Map<String, Object[]> latest) throws SQLException {
        int n = latest.size();
        String[] identities = new String[n];
        String[] aliases = new String[n];
        String[] values = new String[n];
        Long[] micros = new Long[n];
        int i = 0;
        for (Object[] entry : latest.values()) {
            Point point = (Point) entry[1];
            identities[i] = ((DeviceWrite) entry[0]).identity();
            aliases[i] = point.alias();
            values[i] = point.value();
            micros[i] = point.at().getEpochSecond() * 1_000_000L + point.at().getNano() / 1_000;
            i++;
        }
        s.setArray(1, c.createArrayOf("text", identities));
        s.setArray(2, c.createArrayOf("text", aliases));
        s.setArray(3, c.createArrayOf("text", values));
        s.setArray(4, c.createArrayOf("bigint", micros));
        return 5;
    }

    private static void readChanged(ResultSet rs, Map<String, Object[]> latest, List<ResourceValue> changed) throws SQLException {
        while (rs.next()) {
            Object[] entry = latest.get(rs.getString(1) + '\t' + rs.getString(2));
            Point point = (Point) entry[1];
            changed.add(new ResourceValue(rs.getString(1), point.alias(), point.value(), point.at()));
        }
    }

    /** The events of the points stored: resource.written.v1 for announced aliases and platform writes, data.routed.v1 per app. */
    private static List<Envelope> events(List<DeviceWrite> writes, Set<Point> refused) {
        List<Envelope> events = new ArrayList<>();
        for (Object[] entry : storedPoints(writes, refused)) {
            DeviceWrite write = (DeviceWrite) entry[0];
            Point point = (Point) entry[1];
            boolean fromPlatform = RegistryEvents.ResourceWritten.FROM_PLATFORM.equals(write.origin());
            if (fromPlatform || ReservedAliases.ANNOUNCED.contains(point.alias())) {
                events.add(Envelope.of(write.identity(), new RegistryEvents.ResourceWritten(write.identity(), point.alias(),
                        point.value(), write.origin(), point.at())));
            }
            for (RegistryEvents.DataRouted routed : point.routed()) {
                events.add(Envelope.of(write.identity(), routed));
            }
        }
        return events;
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
