package io.everycloud.local;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** One service of the suite running as its own JVM, logging to {@code <data>/logs/<service>.log}. */
final class ServiceProcess {

    static final String APP_CDS = "app-cds.jsa";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String name;
    final String module;
    final String database;
    final int port;
    final Path logFile;
    private Process process;
    /** The archive this run writes at its exit (a training run), else null. */
    private Path training;
    private Path trained;
    private volatile boolean killed;

    ServiceProcess(String name, String module, String database, int port, Path logFile) {
        this.name = name;
        this.module = module;
        this.database = database;
        this.port = port;
        this.logFile = logFile;
    }

    static Path jar(Path repo, String module) {
        return repo.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }

    /**
     * Starts the service from a snapshot of its {@code quarkus-app} in {@code appsDir}: hard links
     * (a copy where links are impossible), so that rebuilding a module while the suite runs
     * replaces files under target/ but not under the running service.
     */
    void start(Path repo, Path appsDir, Map<String, String> environment) throws IOException {
        Path built = repo.resolve(module).resolve("target/quarkus-app");
        Path app = snapshot(built, appsDir.resolve(name));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions(name));
        trained = trainedArchive(app, repo.resolve(module).resolve("target/cds"), module);
        training = null;
        killed = false;
        Map<String, String> jvmEnvironment = new HashMap<>(System.getenv());
        jvmEnvironment.putAll(environment);
        if (classFileHooked(jvmEnvironment)) {
            System.out.println("  " + name + ": a Java agent or flight recording starts with the JVM: no class-data archive");
        } else if (Files.isRegularFile(trained)) {
            command.add("-XX:SharedArchiveFile=" + trained);
        } else if (trainingEnabled()) {
            // a dynamic archive cannot be written on top of another one: this run goes without the build's
            training = trained.resolveSibling(trained.getFileName() + "." + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".tmp");
            Files.createDirectories(training.getParent());
            command.add("-XX:ArchiveClassesAtExit=" + training);
            // the dump lists ~2,800 classes it skips (not linked, old bytecode) as warnings: not news
            command.add("-Xlog:cds=error");
        } else {
            command.addAll(classDataSharing(app));
        }
        command.addAll(List.of("-Djava.awt.headless=true", "-jar", "quarkus-run.jar"));
        Files.createDirectories(logFile.getParent());
        Files.writeString(logFile, "", StandardCharsets.UTF_8); // one run per log file; the previous run's log is replaced
        ProcessBuilder builder = new ProcessBuilder(command)
                // the build's AppCDS archive records the class path relative to quarkus-app/
                .directory(app.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(environment);
        process = builder.start();
    }

    /**
     * The JVM options of one service (by its suite name). Six JVMs share one machine with Kafka and
     * PostgreSQL: small heaps with the serial collector (the heap grows only as needed and is
     * compacted), small thread stacks, and for every service but the registry only the C1 compiler
     * (quicker start, smaller code cache). The registry keeps C2 for the device API's throughput
     * (C1 alone answered 3,010 writes/s where C2 answered 5,670 on 2026-11-26), but with ten times
     * HotSpot's thresholds for a C2 compilation ({@code -XX:Tier4*}): the code a start runs a few
     * thousand times (configuration, CDI, Hibernate's boot) stays C1-compiled instead of keeping C2
     * busy on one of the two cores, while the device API's code, run thousands of times a second,
     * still reaches C2 within seconds of load. Restart 4.20–5.06 s instead of 4.79–5.47 s, CPU to
     * ready 5.8–6.8 s instead of 7.8–8.7 s, and writes 5,670/s instead of 4,794–4,952/s (the same
     * machine, interleaved; docs/benchmarks.md).
     * The five C1-only services compile with one compiler thread instead of two
     * ({@code -XX:CICompilerCount=1}): during a start the second thread competed with the start
     * itself for the two cores (the C1 threads had a fifth of the machine's samples); restarts
     * 2.75–2.89 instead of 2.93–3.17 s (claim) and 3.08–3.17 instead of 3.23–3.48 s (user), three
     * interleaved rounds each (docs/benchmarks.md, "Restarts on the JDK's class path").
     * The heap starts at 48 MB ({@code -Xms48m}) instead of the JVM's 1/64 of the machine's memory:
     * a service needs ~20 MB after a GC, and a young generation sized from the larger initial heap
     * kept ~40 MB more per service resident (idle RSS 197–233 MB against 230–285 MB). Not smaller:
     * from 16 MB the heap grew to 48 MB during every start anyway, through 14 collections, two of
     * them full (~0.2 s of pauses before notification-service was ready); from 48 MB restarts took
     * 0.1–0.5 s less (notification 3.17–3.32 s instead of 3.51–4.00 s, user 2.88–3.13 instead of
     * 3.09–3.42 s, interleaved), with the same RSS at ready.
     * Measured with {@code deploy/bench/startup.sh} (docs/benchmarks.md), which reads them from here.
     */
    static List<String> jvmOptions(String name) {
        List<String> options = new ArrayList<>(List.of("-XX:+UseSerialGC", "-Xss512k", "-XX:MaxMetaspaceSize=192m", "-Xms48m"));
        if (name.equals("device-registry")) {
            options.addAll(List.of("-Xmx256m", "-XX:ReservedCodeCacheSize=96m", "-XX:Tier4InvocationThreshold=50000",
                    "-XX:Tier4MinInvocationThreshold=6000", "-XX:Tier4CompileThreshold=150000", "-XX:Tier4BackEdgeThreshold=400000"));
        } else {
            options.addAll(List.of("-Xmx192m", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-XX:ReservedCodeCacheSize=48m"));
        }
        return options;
    }

    /**
     * The build writes an AppCDS archive of the classes a service loads while it starts
     * ({@code quarkus.package.jar.appcds.enabled} in the parent pom) as {@code quarkus-app/app-cds.jsa}:
     * the JVM maps them instead of loading and verifying them again, which is most of a start.
     * The archive holds only for the JDK that wrote it and the jars as built (size and time, which
     * {@link #snapshot} keeps); otherwise the JVM says so in the log and starts without it.
     */
    static List<String> classDataSharing(Path app) {
        return Files.isRegularFile(app.resolve(APP_CDS)) ? List.of("-XX:SharedArchiveFile=" + APP_CDS) : List.of();
    }

    /**
     * The archive of every class a full run of this build loaded, written by the JVM when the first
     * run after a build stops ({@code -XX:ArchiveClassesAtExit}; what JDK 19's
     * {@code -XX:+AutoCreateSharedArchive} does by itself) and used by every later start
     * ({@code -XX:SharedArchiveFile}). The build's AppCDS archive holds only the classes loaded
     * until Quarkus' static init (6,300 of the registry's 15,900); the rest (Kafka clients,
     * Flyway, Hibernate's and Vert.x' runtime, the service's own) were read and verified from the
     * jars at every start. It lives in {@code <module>/target/cds/}, named by a fingerprint of the
     * JDK and of every file of the snapshot that runs (path, size, time: what the JVM checks before
     * it maps an archive), so a rebuild trains again and a snapshot of the same build in another
     * data folder (each e2e suite has its own) reuses it: the archive records the class path
     * relative to the snapshot.
     * {@code EVERYCLOUD_CDS_TRAINING=false} turns training off (the build's archive is used).
     */
    static Path trainedArchive(Path app, Path directory, String module) throws IOException {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update((System.getProperty("java.vm.version") + "|" + System.getProperty("java.home")).getBytes(StandardCharsets.UTF_8));
        List<Path> files;
        try (var paths = Files.walk(app)) {
            files = paths.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().endsWith(".jsa")).sorted().toList();
        }
        for (Path file : files) {
            crc.update((app.relativize(file) + "|" + Files.size(file) + "|" + Files.getLastModifiedTime(file).toMillis() + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        return directory.resolve(String.format("%s-%08x.jsa", module, crc.getValue())).toAbsolutePath().normalize();
    }

    private static final Pattern CLASS_FILE_HOOKS = Pattern.compile("-javaagent:|-agentpath:|-agentlib:|StartFlightRecording");

    /**
     * Whether the service's JVM runs a class file load hook from its start: a Java agent or a flight
     * recording started with the JVM, given through the JVM's environment ({@code JAVA_TOOL_OPTIONS},
     * {@code JDK_JAVA_OPTIONS}). OpenJDK 17 crashes (SIGSEGV in
     * {@code KlassFactory::check_shared_class_file_load_hook}) when such a hook meets an archived class
     * of a multi-release jar on the class path, such as PostgreSQL's driver (JDK-8343427, fixed in
     * JDK 24; measured here with a no-op agent and with {@code -XX:StartFlightRecording}). Such a
     * run therefore maps no application archive and trains none.
     */
    static boolean classFileHooked(Map<String, String> environment) {
        return Stream.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS").map(environment::get)
                .anyMatch(options -> options != null && CLASS_FILE_HOOKS.matcher(options).find());
    }

    static boolean trainingEnabled() {
        return !"false".equalsIgnoreCase(System.getenv().getOrDefault("EVERYCLOUD_CDS_TRAINING", "true"));
    }

    /** After this run's stop: a training run's archive is kept or dropped ({@link #keepArchive}). */
    private void keepTrainedArchive() {
        Path written = training;
        training = null;
        if (written == null) {
            return;
        }
        try {
            keepArchive(written, trained, killed);
        } catch (IOException e) {
            System.out.println("  " + name + ": class-data archive not kept: " + e.getMessage());
        }
    }

    /**
     * A training run's archive, once the run stopped: when it stopped by itself (not killed: a
     * half-written archive is never kept), it becomes the one later starts use, atomically, and the
     * archives of older builds in its folder are deleted (other runs' trainings in progress stay);
     * otherwise it is deleted.
     */
    static void keepArchive(Path written, Path trained, boolean killed) throws IOException {
        if (killed || !Files.isRegularFile(written) || Files.size(written) == 0) {
            Files.deleteIfExists(written);
            return;
        }
        Files.move(written, trained, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (var old = Files.list(trained.getParent())) {
            for (Path other : (Iterable<Path>) old::iterator) {
                if (!other.equals(trained) && other.getFileName().toString().endsWith(".jsa")) {
                    Files.deleteIfExists(other);
                }
            }
        }
    }

    /** Prints the JVM options of the service named by the argument (for deploy/bench/startup.sh). */
    public static void main(String[] args) {
        System.out.println(String.join(" ", jvmOptions(args.length == 0 ? "" : args[0])));
    }

    static Path snapshot(Path source, Path target) throws IOException {
        LocalSuite.deleteRecursively(target);
        try (var paths = Files.walk(source)) {
            for (Path from : (Iterable<Path>) paths::iterator) {
                Path to = target.resolve(source.relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else {
                    try {
                        Files.createLink(to, from);
                    } catch (IOException | UnsupportedOperationException e) {
                        // the modification time too: the AppCDS archive checks it
                        Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
        }
        return target;
    }

    Process process() {
        return process;
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** True when the service answers 200 on {@code /q/health/ready}. */
    boolean isReady() {
        try {
            HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Asks the service to stop (SIGTERM); {@link #awaitStopped} waits and kills what is left. */
    void requestStop() {
        if (process != null && process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
        }
    }

    void awaitStopped(Duration grace) {
        if (process == null) {
            return;
        }
        if (training != null) {
            // writing the archive at exit takes a few seconds more (six JVMs at once on two cores: up to ~30 s)
            grace = grace.plusSeconds(60);
        }
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                System.out.println("  " + name + " did not stop within " + grace.toSeconds() + " s; killing it");
                killed = true;
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killed = true;
            process.destroyForcibly();
        }
        keepTrainedArchive();
    }

    /** The last lines of the service's log (what a person needs to see when it failed to start). */
    String tail(int lines) {
        return tail(logFile, lines);
    }

    static String tail(Path file, int lines) {
        if (!Files.exists(file)) {
            return "(no log at " + file + ")";
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            long from = Math.max(0, length - 64 * 1024);
            byte[] bytes = new byte[(int) (length - from)];
            in.seek(from);
            in.readFully(bytes);
            String[] all = new String(bytes, StandardCharsets.UTF_8).split("\n");
            int start = Math.max(0, all.length - lines);
            return String.join("\n", java.util.Arrays.copyOfRange(all, start, all.length));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }
}
