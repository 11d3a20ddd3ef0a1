// Infrastructure for the benchmarks that need more than the registry (tag-search.sh, claims.sh,
// qr-batch.sh, startup.sh), run as a single-file program:
//   java -cp "deploy/local/target/classes:deploy/local/target/lib/*" deploy/bench/BenchSuite.java start <dir> [users]
//
// Like BenchInfra's "start" (the same parts: embedded PostgreSQL durable, the testkit's Kafka broker and
// token issuer, free ports never used by the local suite), but with one database and login role per
// service (name = role = password, as the local suite: registry, claim, user, firmware, portal,
// notification), a free port per service, a fresh OEM token in <dir>/oem.token every minute, and — when [users] > 0 — that many user tokens (one fresh
// user id each, valid 10 minutes) in <dir>/users.txt as "userId TAB token". Writes <dir>/suite.env,
// then runs until <dir>/stop exists or it is terminated.

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.everycloud.events.Topics;
import io.everycloud.testkit.KafkaBroker;
import io.everycloud.testkit.Ports;
import io.everycloud.testkit.TestIssuer;
import io.everycloud.testkit.Tokens;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

public class BenchSuite {

    private static final Set<Integer> RESERVED = Set.of(8080, 8101, 8102, 8103, 8104, 8105, 8106, 15432, 19092, 2525, 8025);
    static final List<String> DATABASES = List.of("registry", "claim", "user", "firmware", "portal", "notification");

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || !args[0].equals("start")) {
            System.err.println("usage: start <dir> [users]");
            System.exit(2);
        }
        start(Path.of(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : 0);
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

    static void start(Path dir, int users) throws Exception {
        Files.createDirectories(dir);
        int pgPort = freePort();
        // -c options come after the library's -F on the command line: durable, as BenchInfra explains
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(dir.resolve("pg"))
                .setCleanDataDirectory(false)
                .setPort(pgPort)
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("max_connections", "300")
                .setServerConfig("listen_addresses", "127.0.0.1")
                .start();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            for (String db : DATABASES) {
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
                return id + "\t" + issuer.token(id, "bench-" + i + "@everycloud.test", "user");
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
                .append("SMTP_PORT=").append(freePort()).append('\n');
        for (String db : DATABASES) {
            env.append("PORT_").append(db.toUpperCase()).append('=').append(freePort()).append('\n');
        }
        Path tmp = dir.resolve("suite.env.tmp");
        Files.writeString(tmp, env.toString());
        Files.move(tmp, dir.resolve("suite.env"));
        System.out.println("suite infrastructure ready: postgres 127.0.0.1:" + pgPort + ", kafka " + kafka.bootstrapServers());
        Path stop = dir.resolve("stop");
        long refreshed = 0;
        while (!Files.exists(stop) && kafka.isRunning()) {
            if (System.nanoTime() - refreshed > 60_000_000_000L) { // tokens live 10 minutes, runs may be longer
                Path t = dir.resolve("oem.token.tmp");
                Files.writeString(t, issuer.token(Tokens.OEM_ID, "bench@everycloud.local", "oem"));
                Files.move(t, dir.resolve("oem.token"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                refreshed = System.nanoTime();
            }
            Thread.sleep(500);
        }
        System.exit(0); // runs the shutdown hook
    }
}
