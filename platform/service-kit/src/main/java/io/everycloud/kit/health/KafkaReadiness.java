package io.everycloud.kit.health;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.everycloud.kit.inbox.KafkaClientDefaults;
import io.quarkus.runtime.StartupEvent;

/**
 * Ready only while the Kafka broker answers: a service that cannot announce its changes is not
 * ready. Checked at most every 2 s; recovers by itself when the broker returns.
 * <p>
 * The admin client is built, and the broker asked once, on a thread of its own as the service
 * starts, not by the first readiness probe: building it (~1,400 classes, its network thread) and
 * the first round trip took 0.18-0.22 s between "started" and the first answer of
 * {@code /q/health/ready} (portal-service, which has no Kafka consumer to have loaded them).
 */
@Readiness
@ApplicationScoped
public class KafkaReadiness implements HealthCheck {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private Admin admin;
    private boolean closed;
    private volatile HealthCheckResponse last;
    private volatile Instant checkedAt = Instant.EPOCH;

    @Override
    public HealthCheckResponse call() {
        if (last != null && checkedAt.isAfter(Instant.now().minusSeconds(2))) {
            return last;
        }
        HealthCheckResponse response;
        try {
            int nodes = admin().describeCluster().nodes().get(2, TimeUnit.SECONDS).size();
            response = HealthCheckResponse.named("kafka").up().withData("bootstrap", bootstrapServers)
                    .withData("nodes", nodes).build();
        } catch (Exception e) {
            response = HealthCheckResponse.named("kafka").down().withData("bootstrap", bootstrapServers)
                    .withData("error", "broker not reachable").build();
        }
        last = response;
        checkedAt = Instant.now();
        return response;
    }

    void warmUp(@Observes StartupEvent event) {
        Thread warmUp = new Thread(this::call, "kafka-readiness-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    private synchronized Admin admin() {
        if (closed) {
            throw new IllegalStateException("the service is stopping");
        }
        if (admin == null) {
            admin = Admin.create(KafkaClientDefaults.withDefaults(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000,
                    AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000)));
        }
        return admin;
    }

    @PreDestroy
    synchronized void close() {
        closed = true;
        if (admin != null) {
            admin.close();
        }
    }
}
