package io.everycloud.kit.inbox;

import static io.everycloud.kit.KitTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.everycloud.events.Envelope;
import io.everycloud.events.RegistryEvents;
import io.everycloud.events.Topics;
import io.everycloud.kit.KitTestSupport;
import io.everycloud.testkit.EventProbe;
import io.everycloud.testkit.TestInfrastructure;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The kit's commit strategy ({@link CoalescedCommitStrategy}, every channel's default) on the test
 * app's one-record-at-a-time channel: a hundred records, each acknowledged on its own, are committed
 * in a few requests, and the group's committed offsets still reach the end of the partitions.
 * SmallRye's {@code latest} would have sent one commit per record. The commits are counted in the
 * broker's own log of them, {@code __consumer_offsets} (one record per partition a commit names).
 */
@QuarkusTest
class CoalescedCommitTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String GROUP = "kit-test";
    private static final String OFFSETS_TOPIC = "__consumer_offsets";

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aHundredAcknowledgementsAreCommittedInAFewRequestsUpToTheLastRecord() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafka().bootstrapServers()))) {
            // the channel has its partitions and has committed what came before (earlier tests' records)
            awaitCommittedToTheEnd(admin);
            Map<TopicPartition, Long> logBefore = endOffsets(admin, OFFSETS_TOPIC);

            // sent together; the channel takes one record at a time, and each is acknowledged alone
            EventProbe.sendAllRaw(Topics.REGISTRY_RESOURCE, IntStream.range(0, 100)
                    .mapToObj(i -> Map.entry("commit-key-" + (i % 10), Envelope.of("commit-" + run + "-" + i,
                            new RegistryEvents.ResourceWritten("commit-" + run, "data_in", Integer.toString(i), "device", Instant.now()))
                            .toJson()))
                    .toList());
            await(() -> KitTestSupport.count(dataSource, "SELECT count(*) FROM applied WHERE subject LIKE 'commit-" + run + "-%'"),
                    n -> n == 100, PATIENCE, "the 100 events applied");

            awaitCommittedToTheEnd(admin);
            long commits = commitRecordsSince(logBefore);
            // 100 acknowledgements (SmallRye's "latest": 100 commits); here a commit every 250 ms while they
            // were applied, each naming the partitions (3) acknowledged since the one before
            assertThat(commits).as("offset commits the broker stored for the 100 records").isBetween(1L, 30L);
        }
    }

    /** Waits until the group's committed offset of every partition of the channel's topic is its end offset. */
    private static void awaitCommittedToTheEnd(Admin admin) {
        await(() -> lagging(admin), Map::isEmpty, PATIENCE, "the group's offsets committed up to the end of " + Topics.REGISTRY_RESOURCE);
    }

    private static Map<TopicPartition, Long> lagging(Admin admin) {
        try {
            Map<TopicPartition, Long> ends = endOffsets(admin, Topics.REGISTRY_RESOURCE);
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get();
            return ends.entrySet().stream()
                    .filter(end -> end.getValue() > 0)
                    .filter(end -> committed.get(end.getKey()) == null || committed.get(end.getKey()).offset() < end.getValue())
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        } catch (Exception e) {
            throw new IllegalStateException("could not read the offsets: " + e.getMessage(), e);
        }
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
        int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
        Map<TopicPartition, OffsetSpec> latest = IntStream.range(0, partitions).boxed()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p), p -> OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    /** The offset commits of the group for the channel's topic stored in __consumer_offsets after {@code from}. */
    private static long commitRecordsSince(Map<TopicPartition, Long> from) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafka().bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.EXCLUDE_INTERNAL_TOPICS_CONFIG, "false",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()))) {
            consumer.assign(from.keySet());
            from.forEach(consumer::seek);
            Map<TopicPartition, Long> ends = consumer.endOffsets(from.keySet());
            long commits = 0;
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (from.keySet().stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                assertThat(System.nanoTime()).as("__consumer_offsets read to its end").isLessThan(deadline);
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (isCommitOf(record.key(), GROUP, Topics.REGISTRY_RESOURCE)) {
                        commits++;
                    }
                }
            }
            return commits;
        }
    }

    /** An offset commit's key (versions 0 and 1): version, group, topic, partition; other versions are group metadata. */
    private static boolean isCommitOf(byte[] key, String group, String topic) {
        if (key == null) {
            return false;
        }
        ByteBuffer buffer = ByteBuffer.wrap(key);
        short version = buffer.getShort();
        if (version > 1) {
            return false;
        }
        return group.equals(string(buffer)) && topic.equals(string(buffer));
    }

    private static String string(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.getShort()];
        buffer.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
