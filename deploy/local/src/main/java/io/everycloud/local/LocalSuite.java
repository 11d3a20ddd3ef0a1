package io.everycloud.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.everycloud.events.Topics;
import io.everycloud.testkit.KafkaBroker;
import io.everycloud.testkit.MailSink;
import io.everycloud.testkit.Ports;
import io.everycloud.testkit.Postgres;

/**
 * The whole suite on one machine: PostgreSQL (one database and login role per service), a Kafka
 * broker with the product's topics, the mail sink, the six services as separate JVMs and one
 * public address that routes by path exactly as the chart's Ingress does. Started by
 * {@code deploy/local/run}; Ctrl-C (or SIGTERM) stops everything it started.
 */
public final class LocalSuite {

    static final int GATEWAY_PORT = 8080;
    static final int POSTGRES_PORT = 15432;
    static final int KAFKA_PORT = 19092;
    static final int SMTP_PORT = 2525;
    static final int MAIL_HTTP_PORT = 8025;
    static final String DEFAULT_ADMIN_EMAIL = "admin@everycloud.local";
    /** Marks a folder as this suite's data, so that --fresh never wipes anything else. */
    static final String MARKER = ".everycloud-suite";

    /** name in routes.json, Maven module, database = role = password. */
    record ServiceSpec(String name, String module, String database) {
    }

    static final List<ServiceSpec> SERVICES = List.of(
            new ServiceSpec("device-registry", "device-registry-service", "registry"),
            new ServiceSpec("claim", "claim-service", "claim"),
            new ServiceSpec("user", "user-service", "user"),
            new ServiceSpec("firmware", "firmware-service", "firmware"),
            new ServiceSpec("portal", "portal-service", "portal"),
            new ServiceSpec("notification", "notification-service", "notification"));

    /** Thrown when the suite cannot start; the message says what to look at. */
    static final class StartupFailure extends RuntimeException {
        StartupFailure(String message) {
            super(message);
        }
    }

    private final Options options;
    private final Map<String, String> callerEnv;
    private final List<ServiceProcess> services = new ArrayList<>();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final long startedAt = System.nanoTime();
    private volatile Postgres postgres;
    private volatile KafkaBroker kafka;
    private volatile MailSink mail;
    private volatile Gateway gateway;
    private volatile CompletableFuture<Void> infrastructure;
    private final Object processLock = new Object();
    private volatile LeftoverProcesses leftovers = new LeftoverProcesses(null);
    private volatile SuiteControls controls;
    /** Held by each action of the controls, and by stop() before it stops the infrastructure. */
    private final Object infrastructureLock = new Object();
    private volatile boolean postgresStopped;
    private volatile boolean smtpStopped;
    private final java.util.Set<String> closedDatabases = java.util.concurrent.ConcurrentHashMap.newKeySet();

    LocalSuite(Options options, Map<String, String> callerEnv) {
        this.options = options;
        this.callerEnv = callerEnv;
    }

    public static void main(String[] args) {
        // Initialise logging before threads race to it (SLF4J warns about loggers used during its start).
        org.slf4j.LoggerFactory.getILoggerFactory();
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(Options.USAGE);
            return;
        }
        LocalSuite suite = new LocalSuite(options, System.getenv());
        Runtime.getRuntime().addShutdownHook(new Thread(suite::stop, "everycloud-suite-stop"));
        try {
            suite.start();
        } catch (StartupFailure e) {
            System.err.println();
            System.err.println("The suite did not start: " + e.getMessage());
            System.exit(1); // runs the shutdown hook: everything started so far is stopped
        } catch (RuntimeException e) {
            System.err.println();
            System.err.println("The suite did not start: " + e);
            e.printStackTrace();
            System.exit(1);
        }
        suite.watch();
    }

    void start() {
        Path data = options.data();
        say("EveryCloud local suite");
        say("  repository  " + options.repo());
        say("  data        " + data + (options.fresh() ? " (wiped: --fresh)" : ""));
        checkJars();
        prepareDataFolder(data, options.fresh());
        Path logs = data.resolve("logs");
        RouteTable routes = RouteTable.read(options.repo().resolve("helm/everycloud/files/routes.json"));
        leftovers = new LeftoverProcesses(data.resolve("run"));
        leftovers.stopAll(data.resolve("postgres"));
        checkPortsFree(routes);

        CompletableFuture<Void> database = CompletableFuture.runAsync(() -> {
            if (stopped.get()) {
                return;
            }
            long t = System.nanoTime();
            postgres = Postgres.persistent(data.resolve("postgres"), POSTGRES_PORT);
            for (ServiceSpec spec : SERVICES) {
                postgres.createDatabase(spec.database(), spec.database(), spec.database());
            }
            say("  postgres    127.0.0.1:" + POSTGRES_PORT + ", one database per service (" + seconds(t) + ")");
        });
        CompletableFuture<Void> broker = CompletableFuture.runAsync(() -> {
            if (stopped.get()) {
                return;
            }
            long t = System.nanoTime();
            KafkaBroker started = new KafkaBroker(data.resolve("kafka"), KAFKA_PORT, System.getProperty("java.class.path"), "384m");
            kafka = started;
            started.start();
            leftovers.record("kafka", started.process().toHandle());
            started.createTopics(Topics.ALL, true);
            say("  kafka       127.0.0.1:" + KAFKA_PORT + ", " + Topics.ALL.size() + " topics and their .dlq (" + seconds(t) + ")");
        });
        // stop() waits for these two before stopping them, so that nothing starts behind its back
        infrastructure = CompletableFuture.allOf(database, broker);
        mail = new MailSink(SMTP_PORT, MAIL_HTTP_PORT).start();
        say("  mail sink   SMTP 127.0.0.1:" + SMTP_PORT + ", messages at http://localhost:" + MAIL_HTTP_PORT + "/");
        try {
            infrastructure.get(150, TimeUnit.SECONDS);
        } catch (Exception e) {
            // each step's own failure is reported just below
        }
        await(database, "PostgreSQL", Duration.ofSeconds(1), data.resolve("postgres"));
        await(broker, "Kafka", Duration.ofSeconds(1), data.resolve("kafka/kafka.log"));

        gateway = new Gateway(routes, options.listen(), GATEWAY_PORT).start();
        say("  gateway     http://localhost:" + GATEWAY_PORT + " (routes from helm/everycloud/files/routes.json)");

        AdminCredentials admin = AdminCredentials.resolve(data, callerEnv);
        for (ServiceSpec spec : SERVICES) {
            Integer port = routes.services().get(spec.name());
            if (port == null) {
                throw new StartupFailure("routes.json has no service named " + spec.name());
            }
            services.add(new ServiceProcess(spec.name(), spec.module(), spec.database(), port, logs.resolve(spec.name() + ".log")));
        }
        say("  starting    " + String.join(", ", services.stream().map(s -> s.name).toList()) + " (logs in " + logs + ")");
        for (ServiceProcess service : services) {
            synchronized (processLock) {
                if (stopped.get()) {
                    return;
                }
                try {
                    service.start(options.repo(), data.resolve("apps"), environment(service, routes.services(), admin, callerEnv));
                } catch (IOException e) {
                    throw new StartupFailure(service.name + " could not be started: " + e.getMessage());
                }
            }
            leftovers.record(service.name, service.process().toHandle());
        }
        if (stopped.get()) {
            return;
        }
        awaitReady();
        if (stopped.get()) {
            return;
        }
        if (options.controls()) {
            controls = SuiteControls.start(new InfrastructureControls(), SuiteControls.PORT);
        }
        banner(admin, logs);
    }

    /** The environment of one service: the suite's wiring, then product defaults the caller may override. */
    static Map<String, String> environment(ServiceProcess service, Map<String, Integer> ports, AdminCredentials admin,
            Map<String, String> callerEnv) {
        Map<String, String> env = new LinkedHashMap<>();
        java.util.function.BiConsumer<String, String> defaults = (name, value) -> {
            String given = callerEnv.get(name);
            env.put(name, given == null || given.isBlank() ? value : given);
        };
        // Product settings: defaults, unless the caller's environment sets them (it is inherited as a whole).
        defaults.accept("EVERYCLOUD_PRODUCT_ID", "dev-product");
        defaults.accept("EVERYCLOUD_PUBLIC_URL", "http://localhost:" + GATEWAY_PORT);
        defaults.accept("EVERYCLOUD_ISSUER_URL", "http://127.0.0.1:" + ports.get("user"));
        defaults.accept("EVERYCLOUD_ADMIN_EMAIL", admin.email());
        defaults.accept("EVERYCLOUD_ADMIN_PASSWORD", admin.password());
        defaults.accept("QUARKUS_MAILER_HOST", "127.0.0.1");
        defaults.accept("QUARKUS_MAILER_PORT", Integer.toString(SMTP_PORT));
        defaults.accept("QUARKUS_MAILER_MOCK", "false");
        defaults.accept("QUARKUS_MAILER_TLS", "false");
        defaults.accept("QUARKUS_MAILER_START_TLS", "DISABLED");
        defaults.accept("QUARKUS_MAILER_FROM", "noreply@everycloud.local");
        if (service.name.equals("notification")) {
            defaults.accept("NOTIFICATION_MAIL_FROM_ADDRESS", env.get("QUARKUS_MAILER_FROM")); // as the chart does
        }
        if (service.name.equals("portal")) {
            // the portal's pages act through these services' APIs (the chart points at their in-cluster names)
            defaults.accept("PORTAL_SERVICES_USER_URL", "http://127.0.0.1:" + ports.get("user"));
            defaults.accept("PORTAL_SERVICES_REGISTRY_URL", "http://127.0.0.1:" + ports.get("device-registry"));
            defaults.accept("PORTAL_SERVICES_CLAIM_URL", "http://127.0.0.1:" + ports.get("claim"));
            defaults.accept("PORTAL_SERVICES_FIRMWARE_URL", "http://127.0.0.1:" + ports.get("firmware"));
        }
        // The suite's wiring: always ours, whatever the caller's environment says.
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1"); // services are reached through the gateway only
        env.put("QUARKUS_HTTP_PORT", Integer.toString(service.port));
        env.put("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://127.0.0.1:" + POSTGRES_PORT + "/" + service.database);
        env.put("QUARKUS_DATASOURCE_USERNAME", service.database);
        env.put("QUARKUS_DATASOURCE_PASSWORD", service.database);
        env.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + KAFKA_PORT);
        return env;
    }


    private void awaitReady() {
        long deadline = System.nanoTime() + options.timeout().toNanos();
        List<ServiceProcess> waiting = new ArrayList<>(services);
        while (!waiting.isEmpty() && !stopped.get()) {
            for (ServiceProcess service : List.copyOf(waiting)) {
                if (!service.isAlive()) {
                    String tail = service.tail(60);
                    throw new StartupFailure(service.name + " exited with code " + service.process().exitValue()
                            + ". Last lines of " + service.logFile + ":\n" + tail + hint(tail));
                }
                if (service.isReady()) {
                    waiting.remove(service);
                    say("  ready       " + service.name + " on 127.0.0.1:" + service.port + " (" + seconds(startedAt) + ")");
                }
            }
            if (waiting.isEmpty()) {
                break;
            }
            if (System.nanoTime() > deadline) {
                StringBuilder message = new StringBuilder("not ready within " + options.timeout().toSeconds() + " s: "
                        + String.join(", ", waiting.stream().map(s -> s.name).toList()) + ".");
                for (ServiceProcess service : waiting) {
                    message.append("\nLast lines of ").append(service.logFile).append(":\n").append(service.tail(40));
                }
                throw new StartupFailure(message.toString());
            }
            sleep(500);
        }
    }

    /**
     * What {@code --controls} acts on: the suite's own Kafka broker, PostgreSQL server and SMTP
     * sink. Each action runs under {@link #infrastructureLock} and is refused once the suite stops.
     */
    private final class InfrastructureControls implements SuiteControls.Target {

        private <T> T locked(java.util.function.Supplier<T> action) {
            synchronized (infrastructureLock) {
                if (stopped.get()) {
                    throw new IllegalStateException("the suite is stopping");
                }
                return action.get();
            }
        }

        @Override
        public String kafkaKill() {
            return locked(() -> {
                if (!kafka.isRunning()) {
                    return "kafka was not running";
                }
                long pid = kafka.process().pid();
                kafka.kill();
                return "kafka killed (SIGKILL, pid " + pid + ")";
            });
        }

        @Override
        public String kafkaStop() {
            return locked(() -> {
                if (!kafka.isRunning()) {
                    return "kafka was not running";
                }
                long t = System.nanoTime();
                kafka.stop();
                return "kafka stopped (" + seconds(t) + ")";
            });
        }

        @Override
        public String kafkaStart() {
            return locked(() -> {
                if (kafka.isRunning()) {
                    return "kafka was running (pid " + kafka.process().pid() + ")";
                }
                long t = System.nanoTime();
                kafka.start();
                leftovers.record("kafka", kafka.process().toHandle());
                return "kafka started on 127.0.0.1:" + KAFKA_PORT + " with its data (pid " + kafka.process().pid() + ", "
                        + seconds(t) + ")";
            });
        }

        @Override
        public String postgresStop() {
            return locked(() -> {
                if (postgresStopped) {
                    return "postgres was not running";
                }
                long t = System.nanoTime();
                postgres.close();
                postgresStopped = true;
                return "postgres stopped (" + seconds(t) + ")";
            });
        }

        @Override
        public String postgresStart() {
            return locked(() -> {
                if (!postgresStopped) {
                    return "postgres was running";
                }
                long t = System.nanoTime();
                postgres = Postgres.persistent(options.data().resolve("postgres"), POSTGRES_PORT);
                postgresStopped = false;
                return "postgres started on 127.0.0.1:" + POSTGRES_PORT + " with its data (" + seconds(t) + ")";
            });
        }

        @Override
        public String databaseStop(String database) {
            return locked(() -> {
                requirePostgres();
                String quoted = '"' + database.replace("\"", "\"\"") + '"';
                postgres.execute("ALTER DATABASE " + quoted + " WITH ALLOW_CONNECTIONS false");
                postgres.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
                        + database.replace("'", "''") + "' AND pid <> pg_backend_pid()");
                closedDatabases.add(database);
                return "database " + database + " refuses connections (its open connections were ended)";
            });
        }

        @Override
        public String databaseStart(String database) {
            return locked(() -> {
                requirePostgres();
                String quoted = '"' + database.replace("\"", "\"\"") + '"';
                postgres.execute("ALTER DATABASE " + quoted + " WITH ALLOW_CONNECTIONS true");
                closedDatabases.remove(database);
                return "database " + database + " accepts connections";
            });
        }

        private void requirePostgres() {
            if (postgresStopped) {
                throw new IllegalStateException("postgres is stopped; POST /postgres/start first");
            }
        }

        @Override
        public String mailStop() {
            return locked(() -> {
                mail.stopSmtp();
                smtpStopped = true;
                return "mail sink: SMTP stopped (127.0.0.1:" + SMTP_PORT + " refuses connections)";
            });
        }

        @Override
        public String mailStart() {
            return locked(() -> {
                mail.startSmtp();
                smtpStopped = false;
                return "mail sink: SMTP started on 127.0.0.1:" + SMTP_PORT;
            });
        }

        @Override
        public String status() {
            return "kafka     " + (kafka.isRunning() ? "running (pid " + kafka.process().pid() + ")" : "stopped")
                    + "\npostgres  " + (postgresStopped ? "stopped" : "running"
                            + (closedDatabases.isEmpty() ? "" : ", refusing connections to " + String.join(", ", closedDatabases)))
                    + "\nmail      SMTP " + (smtpStopped ? "stopped" : "running")
                    + "\ncontrols  POST /kafka/kill|stop|start, /postgres/stop|start, /postgres/<database>/stop|start ("
                    + String.join(", ", databases()) + "), /mail/stop|start";
        }

        @Override
        public List<String> databases() {
            return SERVICES.stream().map(ServiceSpec::database).toList();
        }
    }

    /** Advice for failures a developer meets often. */
    static String hint(String log) {
        if (log.contains("Migration checksum mismatch") || log.contains("FlywayValidateException")) {
            return "\n\nHint: a migration that this data folder already applied has changed since (usual while a service"
                    + " is being developed). Start with --fresh to recreate the databases.";
        }
        if (log.contains("Address already in use")) {
            return "\n\nHint: something else took the service's port; is another suite running?";
        }
        return "";
    }

    private void banner(AdminCredentials admin, Path logs) {
        say("");
        say("EveryCloud is ready at http://localhost:" + GATEWAY_PORT + "  (started in " + seconds(startedAt) + ")");
        say("  OEM operator  " + admin.email() + " / " + admin.shownPassword());
        say("  mail sink     http://localhost:" + MAIL_HTTP_PORT + "/  (every email the suite sends)");
        say("  logs          " + logs + "/<service>.log, Kafka: " + options.data().resolve("kafka/kafka.log"));
        say("  data          " + options.data() + "  (kept between runs; --fresh wipes it)");
        if (controls != null) {
            say("  controls      http://127.0.0.1:" + controls.port() + "/  (--controls: test-only fault controls, loopback only)");
        }
        say("Press Ctrl-C to stop everything.");
    }

    /** After start: report a service that dies, until Ctrl-C / SIGTERM stops the suite. */
    void watch() {
        List<ServiceProcess> reported = new ArrayList<>();
        while (!stopped.get()) {
            for (ServiceProcess service : services) {
                if (!service.isAlive() && !reported.contains(service) && !stopped.get()) {
                    reported.add(service);
                    System.err.println("warning: " + service.name + " exited with code " + service.process().exitValue()
                            + "; see " + service.logFile + " (the gateway answers 502 for its routes)");
                }
            }
            sleep(2000);
        }
    }

    /** Stops everything this launcher started, newest first; safe to call more than once. */
    void stop() {
        synchronized (processLock) {
            if (!stopped.compareAndSet(false, true)) {
                return;
            }
        }
        long t = System.nanoTime();
        say("Stopping the suite ...");
        if (controls != null) {
            controls.close();
        }
        synchronized (infrastructureLock) {
            // an action of the controls still running finishes first; none starts after this
        }
        if (gateway != null) {
            gateway.close();
        }
        long step = System.nanoTime();
        services.forEach(ServiceProcess::requestStop);
        if (infrastructure != null) {
            try {
                infrastructure.get(150, TimeUnit.SECONDS);
            } catch (Exception e) {
                // failed or slow: stop what did start
            }
        }
        services.forEach(s -> s.awaitStopped(Duration.ofSeconds(30)));
        if (!services.isEmpty()) {
            say("  services    stopped (" + seconds(step) + ")");
        }
        if (mail != null) {
            quietly(mail::close);
        }
        if (kafka != null) {
            step = System.nanoTime();
            quietly(kafka::stop);
            say("  kafka       stopped (" + seconds(step) + ")");
        }
        if (postgres != null && !postgresStopped) {
            step = System.nanoTime();
            quietly(postgres::close);
            say("  postgres    stopped (" + seconds(step) + ")");
        }
        leftovers.forget();
        say("Stopped (" + seconds(t) + ").");
    }

    private void checkJars() {
        List<String> missing = new ArrayList<>();
        for (ServiceSpec spec : SERVICES) {
            Path jar = ServiceProcess.jar(options.repo(), spec.module());
            if (!Files.isRegularFile(jar)) {
                missing.add(options.repo().relativize(jar).toString());
            }
        }
        if (!missing.isEmpty()) {
            throw new StartupFailure("missing " + String.join(", ", missing)
                    + "; run deploy/local/run without --no-build (or ./mvnw -B -ntp install -DskipTests)");
        }
    }

    static void prepareDataFolder(Path data, boolean fresh) {
        try {
            if (fresh && Files.exists(data)) {
                boolean ours = Files.exists(data.resolve(MARKER));
                try (var entries = Files.list(data)) {
                    if (!ours && entries.findAny().isPresent()) {
                        throw new StartupFailure("--fresh refuses to wipe " + data + ": it is not a suite data folder (no "
                                + MARKER + " in it)");
                    }
                }
                deleteRecursively(data);
            }
            Files.createDirectories(data.resolve("logs"));
            Files.createDirectories(data.resolve("run"));
            Path marker = data.resolve(MARKER);
            if (!Files.exists(marker)) {
                Files.writeString(marker, "Data of the EveryCloud local suite (deploy/local/run). --fresh deletes this folder.\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the data folder " + data, e);
        }
    }

    private void checkPortsFree(RouteTable routes) {
        Map<Integer, String> wanted = new LinkedHashMap<>();
        wanted.put(GATEWAY_PORT, "gateway");
        routes.services().forEach((name, port) -> wanted.put(port, name));
        wanted.put(POSTGRES_PORT, "PostgreSQL");
        wanted.put(KAFKA_PORT, "Kafka");
        wanted.put(SMTP_PORT, "SMTP sink");
        wanted.put(MAIL_HTTP_PORT, "mail sink HTTP");
        if (options.controls()) {
            wanted.put(SuiteControls.PORT, "controls");
        }
        List<String> taken = new ArrayList<>();
        wanted.forEach((port, what) -> {
            if (Ports.isOpen(port)) {
                taken.add(port + " (" + what + ")");
            }
        });
        if (!taken.isEmpty()) {
            throw new StartupFailure("ports already in use: " + String.join(", ", taken)
                    + ". Is another suite running? Stop it first.");
        }
    }

    private static void await(CompletableFuture<Void> step, String what, Duration timeout, Path log) {
        try {
            step.get(timeout.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new StartupFailure(what + " did not start: " + e.getCause().getMessage() + " (see " + log + ")");
        } catch (java.util.concurrent.TimeoutException e) {
            throw new StartupFailure(what + " did not start within " + timeout.toSeconds() + " s (see " + log + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupFailure("interrupted while starting " + what);
        }
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void quietly(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            System.err.println("  while stopping: " + e.getMessage());
        }
    }

    private static String seconds(long sinceNanos) {
        return String.format(java.util.Locale.ROOT, "%.1f s", (System.nanoTime() - sinceNanos) / 1e9);
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The first OEM operator's credentials: the caller's, or generated once and kept in the data folder. */
    record AdminCredentials(String email, String password, String shownPassword) {

        private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

        static AdminCredentials resolve(Path data, Map<String, String> env) {
            String email = Optional.ofNullable(env.get("EVERYCLOUD_ADMIN_EMAIL")).filter(s -> !s.isBlank()).orElse(DEFAULT_ADMIN_EMAIL);
            String given = env.get("EVERYCLOUD_ADMIN_PASSWORD");
            if (given != null && !given.isBlank()) {
                return new AdminCredentials(email, given, "(as set in EVERYCLOUD_ADMIN_PASSWORD)");
            }
            Path file = data.resolve("admin-password");
            try {
                if (Files.exists(file)) {
                    String stored = Files.readString(file, StandardCharsets.UTF_8).trim();
                    return new AdminCredentials(email, stored, stored + "  (generated at the first start, kept in " + file + ")");
                }
                String generated = generate();
                Files.writeString(file, generated + "\n", StandardCharsets.UTF_8);
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system; the folder is git-ignored either way
                }
                return new AdminCredentials(email, generated, generated + "  (generated now, kept in " + file + ")");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot keep the admin password in " + file, e);
            }
        }

        /** 20 characters with upper case, lower case and digits (and no look-alikes). */
        static String generate() {
            SecureRandom random = new SecureRandom();
            while (true) {
                StringBuilder s = new StringBuilder();
                for (int i = 0; i < 20; i++) {
                    s.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                }
                String candidate = s.toString();
                if (candidate.chars().anyMatch(Character::isUpperCase) && candidate.chars().anyMatch(Character::isLowerCase)
                        && candidate.chars().anyMatch(Character::isDigit)) {
                    return candidate;
                }
            }
        }
    }

    /** Command line of the launcher (deploy/local/run passes its own options through). */
    record Options(Path repo, Path data, boolean fresh, String listen, Duration timeout, boolean controls, boolean help) {

        static final String USAGE = """
                usage: deploy/local/run [--fresh] [--data DIR] [--no-build|--build] [--listen ADDRESS] [--timeout SECONDS] [--controls]
                  --fresh           wipe the data folder first (databases, Kafka, logs, admin password)
                  --data DIR        data folder (default: .data at the repository root)
                  --no-build        never build; fail when a service jar is missing
                  --build           build even when everything is there
                  --listen ADDRESS  where the gateway listens (default 127.0.0.1; 0.0.0.0 for devices on the LAN)
                  --timeout SECONDS how long to wait for the services to be ready (default 300)
                  --controls        tests only: fault controls on http://127.0.0.1:8099/ (stop/kill and start
                                    Kafka, PostgreSQL or one database, the SMTP sink); see docs/local-suite.md""";

        static Options parse(String[] args) {
            Path repo = Path.of(System.getProperty("everycloud.repo", ".")).toAbsolutePath().normalize();
            Path data = null;
            boolean fresh = false;
            boolean help = false;
            boolean controls = false;
            String listen = "127.0.0.1";
            Duration timeout = Duration.ofSeconds(300);
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--fresh" -> fresh = true;
                    case "--data" -> data = Path.of(value(args, ++i, "--data"));
                    case "--repo" -> repo = Path.of(value(args, ++i, "--repo")).toAbsolutePath().normalize();
                    case "--listen" -> listen = value(args, ++i, "--listen");
                    case "--timeout" -> {
                        String v = value(args, ++i, "--timeout");
                        try {
                            timeout = Duration.ofSeconds(Integer.parseInt(v));
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("--timeout wants a number of seconds, not " + v);
                        }
                    }
                    case "--build", "--no-build" -> {
                        // handled by deploy/local/run
                    }
                    case "--controls" -> controls = true;
                    case "-h", "--help" -> help = true;
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            Path dataDir = (data == null ? repo.resolve(".data") : data).toAbsolutePath().normalize();
            return new Options(repo, dataDir, fresh, listen, timeout, controls, help);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length || args[i].startsWith("--")) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }
    }

}
