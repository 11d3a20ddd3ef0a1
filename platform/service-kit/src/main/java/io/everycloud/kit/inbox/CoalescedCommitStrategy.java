package io.everycloud.kit.inbox;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.kafka.commit.KafkaCommitHandler;
import io.vertx.mutiny.core.Vertx;

/**
 * The kit's commit strategy for incoming Kafka channels ({@code commit-strategy=}{@value #NAME}, the
 * default of every service): SmallRye's {@code latest} (a record's offset is committed only once it
 * was acknowledged, i.e. once the inbox committed its change), with the commits of one interval
 * ({@value #INTERVAL}, default {@value #DEFAULT_INTERVAL_MS} ms) sent as one. SmallRye's
 * {@code latest} sends an OffsetCommit request for every acknowledgement, that is for every batch
 * the inbox applies: under a claim campaign that was hundreds of requests a second per consumer,
 * each one a write to the broker's {@code __consumer_offsets} log.
 * <p>
 * What is acknowledged is kept per partition (the highest offset); the first acknowledgement after a
 * commit sets a timer, and when it fires the offsets kept are committed in one asynchronous request
 * on the consumer's polling thread. A failed commit (a broker outage, a rebalance) puts its offsets
 * back for the next one, unless the partition went to another consumer or a newer offset of it was
 * acknowledged or sent meanwhile (an older offset never follows a newer one). Nothing is lost by a
 * commit that never happens (a crash, a
 * partition revoked before its timer fired): the records after the last committed offset come again,
 * at most one interval of them, and the inbox drops the ones it applied. Unlike SmallRye's
 * {@code throttled} strategy, this one neither looks up the committed offsets after a rebalance nor
 * ends a channel whose records wait, which is what the inbox does on purpose while its database is
 * unavailable (see the kit's Kafka settings).
 */
@ApplicationScoped
@Identifier(CoalescedCommitStrategy.NAME)
public class CoalescedCommitStrategy implements KafkaCommitHandler.Factory {

    public static final String NAME = "coalesced-latest";
    /** Channel (or connector) attribute: the longest an acknowledged offset waits to be committed, in ms. */
    public static final String INTERVAL = "coalesced-commit.interval.ms";
    public static final int DEFAULT_INTERVAL_MS = 250;

    private static final Logger LOG = Logger.getLogger(CoalescedCommitStrategy.class);

    @Override
    public KafkaCommitHandler create(KafkaConnectorIncomingConfiguration config, Vertx vertx, KafkaConsumer<?, ?> consumer,
            BiConsumer<Throwable, Boolean> reportFailure) {
        int interval = config.config().getOptionalValue(INTERVAL, Integer.class).orElse(DEFAULT_INTERVAL_MS);
        if (interval < 1) {
            throw new IllegalArgumentException(config.getChannel() + ": " + INTERVAL + " must be at least 1, not " + interval);
        }
        return new Coalesced(config.getChannel(), interval, vertx, consumer);
    }

    /** One channel's commits. Its state is guarded by {@code this}: acknowledgements, timers and rebalances come on different threads. */
    static final class Coalesced implements KafkaCommitHandler {

        private final String channel;
        private final int interval;
        private final Vertx vertx;
        private final KafkaConsumer<?, ?> consumer;
        /** Per partition, the offset to commit next (the highest acknowledged + 1), not yet sent. */
        private final Map<TopicPartition, Long> acknowledged = new HashMap<>();
        /** Per partition, the highest offset handed to a commit so far. */
        private final Map<TopicPartition, Long> sent = new HashMap<>();
        private final Set<TopicPartition> assigned = new HashSet<>();
        private boolean timerSet;
        private boolean terminated;

        Coalesced(String channel, int interval, Vertx vertx, KafkaConsumer<?, ?> consumer) {
            this.channel = channel;
            this.interval = interval;
            this.vertx = vertx;
            this.consumer = consumer;
        }

        @Override
        public <K, V> Uni<Void> handle(IncomingKafkaRecord<K, V> record) {
            TopicPartition partition = new TopicPartition(record.getTopic(), record.getPartition());
            synchronized (this) {
                if (terminated) {
                    return Uni.createFrom().voidItem();
                }
                acknowledged.merge(partition, record.getOffset() + 1, Math::max);
            }
            setTimer();
            return Uni.createFrom().voidItem();
        }

        /**
         * A failed commit's offsets, kept again where the partition is still this consumer's and
         * nothing newer was acknowledged or sent meanwhile (a later commit that went out first must
         * not be followed by an older offset).
         */
        private void putBack(Map<TopicPartition, OffsetAndMetadata> offsets) {
            synchronized (this) {
                if (terminated) {
                    return;
                }
                offsets.forEach((partition, offset) -> {
                    if (assigned.contains(partition) && offset.offset() >= sent.getOrDefault(partition, 0L)) {
                        acknowledged.putIfAbsent(partition, offset.offset());
                    }
                });
            }
            setTimer();
        }

        /** Sets the timer of the next commit, unless it is set or nothing waits. */
        private void setTimer() {
            synchronized (this) {
                if (timerSet || acknowledged.isEmpty()) {
                    return;
                }
                timerSet = true;
            }
            vertx.setTimer(interval, id -> commit());
        }

        /** Sends what was kept, in one request. */
        void commit() {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            synchronized (this) {
                timerSet = false;
                if (terminated || acknowledged.isEmpty()) {
                    return;
                }
                acknowledged.forEach((partition, offset) -> {
                    offsets.put(partition, new OffsetAndMetadata(offset, null));
                    sent.merge(partition, offset, Math::max);
                });
                acknowledged.clear();
            }
            consumer.commitAsync(offsets).subscribe().with(ignored -> {
            }, failure -> {
                LOG.debugf("%s: could not commit %s (%s); kept for the next commit", channel, offsets, failure.getMessage());
                putBack(offsets);
            });
        }

        @Override
        public synchronized void partitionsAssigned(Collection<TopicPartition> partitions) {
            assigned.addAll(partitions);
        }

        /** The revoked partitions' offsets not sent yet are dropped: their next owner gets those records again, and its inbox drops them. */
        @Override
        public synchronized void partitionsRevoked(Collection<TopicPartition> partitions) {
            assigned.removeAll(partitions);
            acknowledged.keySet().removeAll(partitions);
            sent.keySet().removeAll(partitions);
        }

        /** The channel closes: what was not sent yet is dropped (after the restart those records come again, and the inbox drops them). */
        @Override
        public synchronized void terminate(boolean graceful) {
            terminated = true;
            acknowledged.clear();
        }
    }
}
