package io.everycloud.notification.delivery;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * Delivery figures: {@code everycloud.notification.sent}, {@code .failed} (given up after the
 * configured attempts, or refused), {@code .attempt.failures} (counters by kind) and the gauge
 * {@code everycloud.notification.pending} by kind.
 */
@ApplicationScoped
public class DeliveryMetrics {

    private static final Logger LOG = Logger.getLogger(DeliveryMetrics.class);

    @Inject
    MeterRegistry meters;

    @Inject
    AgroalDataSource dataSource;

    private volatile long[] pending = {0, 0};
    private volatile Instant readAt = Instant.EPOCH;

    void register(@Observes StartupEvent event) {
        for (String kind : new String[] {Delivery.EMAIL, Delivery.WEBHOOK}) {
            meters.counter("everycloud.notification.sent", "kind", kind);
            meters.counter("everycloud.notification.failed", "kind", kind);
            meters.counter("everycloud.notification.attempt.failures", "kind", kind);
            int index = kind.equals(Delivery.EMAIL) ? 0 : 1;
            Gauge.builder("everycloud.notification.pending", this, m -> m.pending()[index]).tag("kind", kind)
                    .description("deliveries waiting to be sent").register(meters);
        }
    }

    public void sent(String kind) {
        meters.counter("everycloud.notification.sent", "kind", kind).increment();
    }

    public void failed(String kind) {
        meters.counter("everycloud.notification.failed", "kind", kind).increment();
    }

    public void attemptFailed(String kind) {
        meters.counter("everycloud.notification.attempt.failures", "kind", kind).increment();
    }

    /** Pending counts, read at most every two seconds (for scrapes). */
    long[] pending() {
        if (readAt.isAfter(Instant.now().minusSeconds(2))) {
            return pending;
        }
        try (var connection = dataSource.getConnection();
                var select = connection.prepareStatement(
                        "SELECT count(*) FILTER (WHERE kind = 'email'), count(*) FILTER (WHERE kind = 'webhook') FROM delivery WHERE status = 'pending'");
                var rs = select.executeQuery()) {
            rs.next();
            pending = new long[] {rs.getLong(1), rs.getLong(2)};
            readAt = Instant.now();
        } catch (java.sql.SQLException e) {
            LOG.debugf("pending deliveries unavailable: %s", e.getMessage());
        }
        return pending;
    }
}
