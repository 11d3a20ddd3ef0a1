package io.everycloud.kit.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.vertx.mutiny.core.Vertx;

/**
 * The rules of {@link CoalescedCommitStrategy} that a healthy broker never exercises, on one
 * channel's handler with a consumer whose commits the test answers: acknowledgements coalesced
 * into one commit of the highest offsets, a failed commit's offsets kept for the next one unless
 * a newer offset or a rebalance replaced them, nothing sent for a revoked partition or after the
 * channel closed. (CoalescedCommitTest shows the strategy on a real broker.)
 */
class CoalescedCommitRulesTest {

    private static final int INTERVAL_MS = 50;
    private static final TopicPartition P0 = new TopicPartition("kit.rules.v1", 0);
    private static final TopicPartition P1 = new TopicPartition("kit.rules.v1", 1);

    private final Vertx vertx = Vertx.vertx();
    /** What the consumer was asked to commit, in order. */
    private final List<Map<TopicPartition, OffsetAndMetadata>> commits = new CopyOnWriteArrayList<>();
    /** The answers of the next commits, in order (as the broker gives them); a commit with none left succeeds at once. */
    private final Queue<CompletableFuture<Void>> answers = new ConcurrentLinkedQueue<>();
    private final CoalescedCommitStrategy.Coalesced handler = new CoalescedCommitStrategy.Coalesced("rules", INTERVAL_MS, vertx,
            consumer());

    @AfterEach
    void close() {
        vertx.closeAndAwait();
    }

    @Test
    void theAcknowledgementsOfAnIntervalGoAsOneCommitOfEachPartitionsNextOffset() {
        handler.partitionsAssigned(List.of(P0, P1));
        acknowledge(P0, 4);
        acknowledge(P0, 7);
        acknowledge(P1, 2);
        acknowledge(P0, 5); // an earlier record acknowledged late does not move the offset back

        awaitCommits(1);
        assertThat(commits.get(0)).containsOnly(Map.entry(P0, new OffsetAndMetadata(8)), Map.entry(P1, new OffsetAndMetadata(3)));
        pause();
        assertThat(commits).hasSize(1);
    }

    @Test
    void aFailedCommitIsSentAgainUnlessANewerOffsetOrARebalanceReplacedIt() {
        handler.partitionsAssigned(List.of(P0, P1));
        answers.add(CompletableFuture.failedFuture(new IllegalStateException("the broker is away")));
        acknowledge(P0, 4);
        acknowledge(P1, 9);
        awaitCommits(2);
        assertThat(commits.get(1)).as("the failed commit, sent again").isEqualTo(commits.get(0))
                .containsOnly(Map.entry(P0, new OffsetAndMetadata(5)), Map.entry(P1, new OffsetAndMetadata(10)));

        CompletableFuture<Void> slow = new CompletableFuture<>();
        answers.add(slow);
        acknowledge(P0, 6);
        acknowledge(P1, 10);
        awaitCommits(3);
        // while that commit is on its way: P0 goes to another consumer, and a newer offset of P1 is committed
        handler.partitionsRevoked(List.of(P0));
        acknowledge(P1, 11);
        awaitCommits(4);
        assertThat(commits.get(3)).containsOnly(Map.entry(P1, new OffsetAndMetadata(12)));
        slow.completeExceptionally(new IllegalStateException("the broker is away"));
        pause();
        assertThat(commits).as("neither P0's offset nor P1's older one sent again").hasSize(4);
    }

    @Test
    void nothingIsSentForARevokedPartitionNorAfterTheChannelClosed() {
        handler.partitionsAssigned(List.of(P0, P1));
        acknowledge(P0, 3);
        acknowledge(P1, 3);
        handler.partitionsRevoked(List.of(P0));
        awaitCommits(1);
        assertThat(commits.get(0)).containsOnly(Map.entry(P1, new OffsetAndMetadata(4)));

        acknowledge(P1, 5);
        handler.terminate(false);
        acknowledge(P1, 6);
        pause();
        assertThat(commits).hasSize(1);
    }

    private void acknowledge(TopicPartition partition, long offset) {
        ConsumerRecord<String, String> record = new ConsumerRecord<>(partition.topic(), partition.partition(), offset, "key", "value");
        handler.handle(new IncomingKafkaRecord<>(record, "rules", 0, handler, null, false, false)).await().atMost(Duration.ofSeconds(5));
    }

    private void awaitCommits(int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (commits.size() < count) {
            assertThat(System.nanoTime()).as("%d commits asked for", count).isLessThan(deadline);
            pause(10);
        }
    }

    /** Longer than a few intervals: a commit that was going to be sent has been. */
    private static void pause() {
        pause(INTERVAL_MS * 4L);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A consumer that records each commit and answers it as the test says; nothing else is called. */
    private KafkaConsumer<?, ?> consumer() {
        return (KafkaConsumer<?, ?>) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { KafkaConsumer.class },
                (proxy, method, args) -> {
                    if (!method.getName().equals("commitAsync")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    @SuppressWarnings("unchecked")
                    Map<TopicPartition, OffsetAndMetadata> offsets = Map.copyOf((Map<TopicPartition, OffsetAndMetadata>) args[0]);
                    commits.add(offsets);
                    CompletableFuture<Void> answer = answers.poll();
                    return answer == null ? Uni.createFrom().voidItem() : Uni.createFrom().completionStage(answer);
                });
    }
}
