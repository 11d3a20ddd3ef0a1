package io.everycloud.registry.resource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import io.agroal.api.AgroalDataSource;
import io.everycloud.registry.deviceapi.DeviceTokenCache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Listens to what other replicas commit: device changes that end a cached token
 * ({@link DeviceTokenCache#CHANNEL}) and platform writes that answer long polls.
 * <p>
 * Wakes long polls held by other replicas. A platform write (the direction devices long-poll
 * for) sends a PostgreSQL {@code NOTIFY} in its transaction, delivered only if it commits; every
 * replica {@code LISTEN}s and answers its own polls on that alias with the stored value. Device
 * writes wake only the local replica, which keeps NOTIFY traffic to the few platform writes.
 */
@ApplicationScoped
public class ReplicaWakeups {

    static final String CHANNEL = "registry_resource_written";
    private static final Logger LOG = Logger.getLogger(ReplicaWakeups.class);

    @Inject
    AgroalDataSource dataSource;

    @Inject
    LongPolls polls;

    @Inject
    ResourceRepository resources;

    @Inject
    DeviceTokenCache tokens;

    private volatile boolean running;
    private Thread thread;

    void start(@Observes StartupEvent event) {
        running = true;
        thread = new Thread(this::listen, "long-poll-wakeups");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** Announces committed values to the other replicas; runs in the writing transaction. */
    void announce(Connection connection, List<ResourceValue> values) throws SQLException {
        try (PreparedStatement notify = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
            for (ResourceValue value : values) {
                notify.setString(1, CHANNEL);
                notify.setString(2, value.identity() + '\t' + value.alias());
                notify.executeQuery().close();
            }
        }
    }

    private void listen() {
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                try (Statement listen = connection.createStatement()) {
                    listen.execute("LISTEN " + CHANNEL);
                    listen.execute("LISTEN " + DeviceTokenCache.CHANNEL);
                }
                // device changes sent while nobody listened are lost: forget every cached token
                tokens.clear();
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(1000);
                    tokens.sweep();
                    if (notifications == null) {
                        continue;
                    }
                    for (PGNotification notification : notifications) {
                        if (DeviceTokenCache.CHANNEL.equals(notification.getName())) {
                            tokens.invalidate(notification.getParameter());
                        } else {
                            wake(notification.getParameter());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.debugf("long-poll wakeups: %s; listening again in 1 s", e.getMessage());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void wake(String payload) {
        int tab = payload.indexOf('\t');
        if (tab < 0) {
            return;
        }
        String identity = payload.substring(0, tab);
        String alias = payload.substring(tab + 1);
        if (!polls.waiting(identity, alias)) {
            return;
        }
        ResourceValue value = resources.read(identity, List.of(alias)).get(alias);
        if (value != null) {
            polls.wake(value);
        }
    }
}
