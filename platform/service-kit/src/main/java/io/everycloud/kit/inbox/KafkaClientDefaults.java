package io.everycloud.kit.inbox;

import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.Config;

import io.smallrye.reactive.messaging.ClientCustomizer;

/**
 * The kit's defaults for the Kafka clients of a service: every client the messaging connector creates
 * (each incoming channel's consumer, a dead-letter producer) and the kit's readiness check's admin
 * client. A value the channel's configuration gives wins.
 * <ul>
 * <li>{@code metric.reporters}: none. Kafka's default registers a JMX MBean per metric of every
 * client. Nothing here reads JMX: the connector's clients' metrics reach {@code /q/metrics} through
 * Micrometer, which reads them from the client itself.</li>
 * <li>{@code enable.metrics.push=false}: no client telemetry pushed to the broker (KIP-714); no
 * broker here collects it, and each client built a telemetry reporter and asked for a subscription.</li>
 * </ul>
 * Six consumers built in a fresh C1-only JVM took 452-481 ms with both against 622-634 ms, 4-7 ms
 * each after the first instead of 10-12 ms, all of it on the start's main thread (docs/benchmarks.md,
 * "Starts without Hibernate ORM where nothing is mapped"). The outbox relay's own producer keeps
 * Kafka's defaults: JMX is the only place its metrics are shown.
 */
@ApplicationScoped
public class KafkaClientDefaults implements ClientCustomizer<Map<String, Object>> {

    static final String METRIC_REPORTERS = "metric.reporters";
    static final String ENABLE_METRICS_PUSH = "enable.metrics.push";

    /** {@code config} with the kit's defaults added where it gives no value (a new, mutable map). */
    public static Map<String, Object> withDefaults(Map<String, Object> config) {
        Map<String, Object> withDefaults = new HashMap<>(config);
        withDefaults.putIfAbsent(METRIC_REPORTERS, "");
        withDefaults.putIfAbsent(ENABLE_METRICS_PUSH, false);
        return withDefaults;
    }

    @Override
    public Map<String, Object> customize(String channel, Config channelConfig, Map<String, Object> config) {
        return withDefaults(config);
    }
}
