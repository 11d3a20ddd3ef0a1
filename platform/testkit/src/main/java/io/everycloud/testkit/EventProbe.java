package io.everycloud.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.everycloud.events.Envelope;

/**
 * Reads and writes events on the shared test broker, the way another service would: to feed a
 * service under test with events and to see what it published.
 */
public final class EventProbe {

    /** Publishes an event to its topic, keyed by its subject, and waits for the broker's ack. */
    public static void send(Envelope envelope) {
        sendRaw(envelope.topic(), envelope.subject(), envelope.toJson());
    }

    /** Publishes any string (a poison message, say) to a topic. */
    public static void sendRaw(String topic, String key, String value) {
        sendAllRaw(topic, List.of(Map.entry(key, value)));
    }

    /**
     * Publishes records (key, value) to a topic from one producer, in order, as one burst (a
     * consumer polls them together), and waits for the broker's ack of each.
     */
    public static void sendAllRaw(String topic, List<Map.Entry<String, String>> records) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafka().bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
            List<Future<?>> sent = new ArrayList<>();
            for (Map.Entry<String, String> record : records) {
                sent.add(producer.send(new ProducerRecord<>(topic, record.getKey(), record.getValue())));
            }
            for (Future<?> ack : sent) {
                ack.get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not publish to " + topic + ": " + e.getMessage(), e);
        }
    }

    /** Every record now on the topic, from the beginning of every partition. */
    public static List<ConsumerRecord<String, String>> records(String topic) {
        try (KafkaConsumer<String, String> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, String>> out = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!reached(consumer, end) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(out::add);
            }
            return out;
        }
    }

    /** The events now on the topic whose envelope matches the filter (records that are not envelopes are skipped). */
    public static List<Envelope> events(String topic, Predicate<Envelope> filter) {
        List<Envelope> events = new ArrayList<>();
        for (ConsumerRecord<String, String> record : records(topic)) {
            try {
                Envelope envelope = Envelope.fromJson(record.value());
                if (filter.test(envelope)) {
                    events.add(envelope);
                }
            } catch (RuntimeException notAnEnvelope) {
                // poison messages written by tests on purpose
            }
        }
        return events;
    }

    /** Waits until at least {@code count} events on the topic match the filter, and returns them. */
    public static List<Envelope> await(String topic, Predicate<Envelope> filter, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Envelope> found = List.of();
        while (System.nanoTime() < deadline) {
            found = events(topic, filter);
            if (found.size() >= count) {
                return found;
            }
            Ports.sleep(100);
        }
        throw new AssertionError("expected " + count + " matching event(s) on " + topic + " within "
                + timeout.toSeconds() + " s, found " + found.size() + ": " + found);
    }

    public static Envelope awaitOne(String topic, Predicate<Envelope> filter, Duration timeout) {
        return await(topic, filter, 1, timeout).get(0);
    }

    private static boolean reached(KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private static KafkaConsumer<String, String> consumer() {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafka().bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()));
    }

    private EventProbe() {
    }
}
