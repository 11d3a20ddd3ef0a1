package io.everycloud.kit.inbox;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.Config;

import io.smallrye.reactive.messaging.ClientCustomizer;

/**
 * The kit's defaults for every Kafka client the messaging connector creates (each incoming channel's
 * consumer, a dead-letter producer). A value the channel's configuration gives wins.
 * <ul>
 * <li>{@code metric.reporters}: none. Kafka's default registers a JMX MBean per metric of every
 * client. Nothing here reads JMX: the clients' metrics reach {@code /q/metrics} through Micrometer,
 * which reads them from the client itself. Six consumers built in a fresh C1-only JVM took 452-481 ms
 * without it (and without pushed metrics) against 622-634 ms, 4-7 ms each after the first instead of
 * 10-12 ms, all of it on the start's main thread (docs/benchmarks.md, "Starts without Hibernate ORM
 * where nothing is mapped").</li>
 * </ul>
 * {@code enable.metrics.push=false} (KIP-714: no broker here collects client metrics) is set in the
 * kit's configuration instead, where a plain value can be given; an empty list cannot be written there.
 */
@ApplicationScoped
public class KafkaClientDefaults implements ClientCustomizer<Map<String, Object>> {

    static final String METRIC_REPORTERS = "metric.reporters";

    @Override
    public Map<String, Object> customize(String channel, Config channelConfig, Map<String, Object> config) {
        config.putIfAbsent(METRIC_REPORTERS, "");
        return config;
    }
}
