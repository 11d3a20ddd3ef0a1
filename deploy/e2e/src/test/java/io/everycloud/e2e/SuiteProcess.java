package io.everycloud.e2e;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The local suite as a person starts it ({@code deploy/local/run --no-build --fresh --data DIR}),
 * started once for a test class and stopped with SIGTERM. IT classes use it through
 * {@link SuiteExtension}, which also checks that nothing of it is left.
 */
final class SuiteProcess {

    static final String ADDRESS = "http://localhost:8080";
    static final List<String> SERVICES = List.of("device-registry", "claim", "user", "firmware", "portal", "notification");
    static final List<Integer> PORTS = List.of(8080, 8101, 8102, 8103, 8104, 8105, 8106, 15432, 19092, 2525, 8025);
    /** The launcher waits up to 300 s for the services; this leaves it room to report why not. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(420);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(120);
    /** Another suite (an engineer's, or SuiteSmokeIT's that is still stopping) may hold the ports for a while. */
    static final Duration PORTS_FREE_TIMEOUT = Duration.ofSeconds(180);

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private final Path repo;
    private final Path data;
    private final Path output;
    private Process process;
    private List<ProcessHandle> tree = List.of();

    /**
     * The suite for one IT class: the repository from {@code everycloud.repo}, its data in
     * {@code <target>/<name>} next to {@code everycloud.suite-data} (so each class starts fresh).
     */
    static SuiteProcess forTestClass(String name) {
        Path repo = Path.of(System.getProperty("everycloud.repo", "../..")).toAbsolutePath().normalize();
        Path data = Path.of(System.getProperty("everycloud.suite-data", "target/suite-data")).toAbsolutePath().normalize()
                .resolveSibling(name);
        return new SuiteProcess(repo, data);
    }

    SuiteProcess(Path repo, Path data) {
        this.repo = repo;
        this.data = data;
        this.output = data.resolveSibling(data.getFileName() + "-run.log");
    }

    Path data() {
        return data;
    }

    /** The launcher's output (stdout and stderr): {@code <data>-run.log}. */
    Path output() {
        return output;
    }

    /** The launcher's process (SuiteSmokeIT stops it itself, as a person would). */
    Process launcher() {
        if (process == null) {
            throw new IllegalStateException("the suite was not started");
        }
        return process;
    }

    void start(Map<String, String> environment) throws Exception {
        start(environment, List.of());
    }

    /** Starts with more launcher options (e.g. {@code --controls}, FaultsIT). */
    void start(Map<String, String> environment, List<String> options) throws Exception {
        long portsDeadline = System.nanoTime() + PORTS_FREE_TIMEOUT.toNanos();
        while (true) {
            awaitFreePorts(portsDeadline);
            Files.createDirectories(output.getParent());
            List<String> command = new ArrayList<>(List.of(repo.resolve("deploy/local/run").toString(), "--no-build", "--fresh", "--data", data.toString()));
            command.addAll(options);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(repo.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().putAll(environment);
            process = builder.start();
            if (awaitReady()) {
                tree = Stream.concat(Stream.of(process.toHandle()), process.toHandle().descendants()).toList();
                return;
            }
            // another suite (an engineer's, another test's) took the ports between our check and the
            // launcher's: it refused to start and stopped; wait for the ports again
            if (System.nanoTime() > portsDeadline) {
                throw new AssertionError("the suite's ports stayed in use for " + PORTS_FREE_TIMEOUT.toSeconds() + " s\n" + tail(output, 20));
            }
        }
    }

    private void awaitFreePorts(long deadline) throws InterruptedException {
        List<Integer> taken = openPorts();
        while (!taken.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(2000);
            taken = openPorts();
        }
        if (!taken.isEmpty()) {
            throw new AssertionError("ports the suite needs are still in use after " + PORTS_FREE_TIMEOUT.toSeconds()
                    + " s (is a local suite running?): " + taken);
        }
    }

    /** True when every service is ready; false when the launcher refused to start because the ports were taken. */
    private boolean awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        List<String> waiting = new ArrayList<>(SERVICES);
        while (!waiting.isEmpty()) {
            if (!process.isAlive()) {
                if (tail(output, 20).contains("ports already in use")) {
                    return false;
                }
                throw new AssertionError("the suite exited with code " + process.exitValue() + " before "
                        + String.join(", ", waiting) + " became ready\n" + diagnostics(waiting));
            }
            waiting.removeIf(service -> status(ADDRESS + "/services/" + service + "/q/health/ready") == 200);
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not ready through " + ADDRESS + " within " + START_TIMEOUT.toSeconds() + " s: "
                        + String.join(", ", waiting) + "\n" + diagnostics(waiting));
            }
            Thread.sleep(1000);
        }
        return true;
    }

    /**
     * SIGTERM to the launcher (it stops everything it started); forcibly only what is left after
     * the timeout. Answers the processes of the suite still alive afterwards (none expected).
     * Ports are not checked here: on a shared machine another suite may take them at once.
     */
    List<String> stop() throws InterruptedException {
        if (process == null) {
            return List.of();
        }
        List<ProcessHandle> all = Stream.concat(tree.stream(), process.toHandle().descendants()).distinct().toList();
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        // PostgreSQL detaches from the launcher: also give the ports a moment, so that the next
        // test class (SuiteSmokeIT) finds them free; not asserted, another suite may take them
        while (System.nanoTime() < deadline && (all.stream().anyMatch(ProcessHandle::isAlive) || !openPorts().isEmpty())) {
            Thread.sleep(200);
        }
        List<String> left = all.stream().filter(ProcessHandle::isAlive)
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList();
        all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        return left;
    }

    /** The last lines of a service's log, for failure messages. */
    String serviceLog(String service, int lines) {
        return "--- last lines of " + service + ".log:\n" + tail(data.resolve("logs").resolve(service + ".log"), lines);
    }

    static List<Integer> openPorts() {
        List<Integer> open = new ArrayList<>();
        for (int port : PORTS) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 300);
                open.add(port);
            } catch (IOException e) {
                // closed: what we want
            }
        }
        return open;
    }

    static int status(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private String diagnostics(List<String> notReady) {
        StringBuilder text = new StringBuilder("--- launcher output (" + output + "):\n").append(tail(output, 80));
        for (String service : notReady) {
            text.append('\n').append(serviceLog(service, 60));
        }
        return text.toString();
    }

    static String tail(Path file, int lines) {
        if (!Files.exists(file)) {
            return "(no file " + file + ")";
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long from = Math.max(0, in.length() - 64 * 1024);
            byte[] bytes = new byte[(int) (in.length() - from)];
            in.seek(from);
            in.readFully(bytes);
            String[] all = new String(bytes, StandardCharsets.UTF_8).split("\n");
            return String.join("\n", List.of(all).subList(Math.max(0, all.length - lines), all.length));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }
}
