// Claim -> the registry shows the owner, for claims.sh:
//   java -cp "deploy/local/target/classes:deploy/local/target/lib/*" deploy/bench/OwnerVisible.java \
//        <kafka bootstrap> <claims file: identity TAB userId TAB claimed-at epoch ms>
//
// The claimed-at time is claim-service's ledger entry (the instant it decided the claim, in the
// claim's transaction). Reads registry.device.v1 from the start and, per claimed device, takes the
// first device.tags-changed.v1 whose users tag holds the claimant: its record timestamp (set when
// the registry's outbox relay sent it, after the registry committed the owner) minus claimed-at.
// An upper bound of "the registry shows the owner": the registry showed it before the relay sent.
// Also split: decision -> claim-service's claim.ownership.v1 record (its outbox relay), and that
// record -> the registry's tags-changed (the registry's consumer, its commit and its relay).

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

public class OwnerVisible {

    private static final Pattern IDENTITY = Pattern.compile("\"identity\"\\s*:\\s*\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        Map<String, String[]> claims = new HashMap<>();
        for (String line : Files.readAllLines(Path.of(args[1]))) {
            String[] f = line.split("\t");
            if (f.length == 3) {
                claims.put(f[0], f);
            }
        }
        Map<String, Long> visible = new HashMap<>();
        Map<String, Long> announced = new HashMap<>();
        long deadline = System.currentTimeMillis() + 180_000;
        try (KafkaConsumer<String, String> consumer = consumer(args[0])) {
            // claim-service's relay: the first ownership.claimed.v1 of each claimed device
            read(consumer, "claim.ownership.v1", deadline, announced, claims.size(), (v, claim) -> v.contains("ownership.claimed.v1"), claims);
            // the registry: the first device.tags-changed.v1 whose users tag holds the claimant
            read(consumer, "registry.device.v1", deadline, visible, claims.size(),
                    (v, claim) -> v.contains("device.tags-changed.v1") && v.contains(claim[1]), claims);
        }
        double[] total = delays(visible, claims, null);
        double[] relay = delays(announced, claims, null);
        double[] registry = delays(visible, claims, announced);
        System.out.printf("RESULT owner_visible seen=%d of %d claimed, ms from claim-service's decision to the registry's tags-changed:"
                + " p50=%.0f p95=%.0f p99=%.0f max=%.0f; of which decision -> claim.ownership.v1 p50=%.0f p99=%.0f,"
                + " claim.ownership.v1 -> registry's tags-changed p50=%.0f p99=%.0f%n",
                total.length, claims.size(), pct(total, 50), pct(total, 95), pct(total, 99),
                total.length == 0 ? Double.NaN : total[total.length - 1], pct(relay, 50), pct(relay, 99), pct(registry, 50), pct(registry, 99));
    }

    interface Match {
        boolean test(String value, String[] claim);
    }

    static KafkaConsumer<String, String> consumer(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        return new KafkaConsumer<>(p);
    }

    static void read(KafkaConsumer<String, String> consumer, String topic, long deadline, Map<String, Long> found, int wanted,
            Match match, Map<String, String[]> claims) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        while (found.size() < wanted && System.currentTimeMillis() < deadline) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                String v = r.value();
                if (v == null) {
                    continue;
                }
                Matcher m = IDENTITY.matcher(v);
                if (!m.find()) {
                    continue;
                }
                String[] claim = claims.get(m.group(1));
                if (claim != null && !found.containsKey(claim[0]) && match.test(v, claim)) {
                    found.put(claim[0], r.timestamp());
                }
            }
        }
    }

    /** Per device: timestamp minus the claim's decision (or minus {@code from}'s timestamp), sorted. */
    static double[] delays(Map<String, Long> at, Map<String, String[]> claims, Map<String, Long> from) {
        return at.entrySet().stream()
                .filter(e -> from == null || from.containsKey(e.getKey()))
                .mapToDouble(e -> e.getValue() - (from == null ? Long.parseLong(claims.get(e.getKey())[2]) : from.get(e.getKey())))
                .sorted().toArray();
    }

    static double pct(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
