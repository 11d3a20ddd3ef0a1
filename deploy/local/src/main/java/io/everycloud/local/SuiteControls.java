package io.everycloud.local;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Test-only fault controls of the local suite ({@code deploy/local/run --controls}): a small HTTP
 * server on 127.0.0.1 only (never on the gateway, whatever {@code --listen} says) that stops and
 * starts the suite's infrastructure, so that end-to-end tests can prove what survives a fault.
 *
 * <pre>
 * GET  /                           what is running (text)
 * POST /kafka/kill                 SIGKILL the broker (a crash)
 * POST /kafka/stop                 SIGTERM the broker (clean shutdown)
 * POST /kafka/start                start it again: same port, same data folder
 * POST /postgres/stop              stop the whole PostgreSQL server (fast shutdown)
 * POST /postgres/start             start it again on the same port and data
 * POST /postgres/DATABASE/stop     one service's database only: refuse new connections, end the open ones
 * POST /postgres/DATABASE/start    accept connections again
 * POST /mail/stop                  the SMTP sink refuses connections (the HTTP view stays)
 * POST /mail/start                 SMTP accepts again; what was received stays
 * </pre>
 *
 * Each action answers 200 with one line saying what was done, once it is done (a start returns
 * when the part answers again); 404 for an unknown part or database, 405 for another method,
 * 500 (text) when the action failed.
 */
final class SuiteControls implements AutoCloseable {

    /** Default port of the controls: loopback only. */
    static final int PORT = 8099;

    /** What the controls act on; {@link LocalSuite} is the real one, tests use a recording one. */
    interface Target {
        String kafkaKill();

        String kafkaStop();

        String kafkaStart();

        String postgresStop();

        String postgresStart();

        String databaseStop(String database);

        String databaseStart(String database);

        String mailStop();

        String mailStart();

        String status();

        List<String> databases();
    }

    private final Target target;
    private final HttpServer server;

    private SuiteControls(Target target, HttpServer server) {
        this.target = target;
        this.server = server;
    }

    /** Starts the controls on 127.0.0.1:{@code port} (0 = a free port). */
    static SuiteControls start(Target target, int port) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        } catch (IOException e) {
            throw new LocalSuite.StartupFailure("the controls' port 127.0.0.1:" + port + " is taken: " + e.getMessage());
        }
        SuiteControls controls = new SuiteControls(target, server);
        // one action at a time: a kill and a start must not race
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "suite-controls");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", controls::handle);
        server.start();
        return controls;
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (path.equals("/")) {
                if (!method.equals("GET")) {
                    send(exchange, 405, "use GET for the status\n");
                    return;
                }
                send(exchange, 200, target.status() + "\n");
                return;
            }
            String[] parts = path.substring(1).split("/");
            Action action = action(parts);
            if (action == null) {
                send(exchange, 404, "no such control: " + path + " (see GET /)\n");
                return;
            }
            if (!method.equals("POST")) {
                send(exchange, 405, "use POST for " + path + "\n");
                return;
            }
            String done;
            try {
                done = action.run();
            } catch (RuntimeException e) {
                System.err.println("control " + path + " failed: " + e);
                send(exchange, 500, path + " failed: " + e.getMessage() + "\n");
                return;
            }
            System.out.println("  control     " + done);
            System.out.flush();
            send(exchange, 200, done + "\n");
        }
    }

    private interface Action {
        String run();
    }

    /** The action of a path, or null when there is none (unknown part, verb or database). */
    private Action action(String[] parts) {
        if (parts.length == 2) {
            String verb = parts[1];
            switch (parts[0]) {
                case "kafka":
                    return switch (verb) {
                        case "kill" -> target::kafkaKill;
                        case "stop" -> target::kafkaStop;
                        case "start" -> target::kafkaStart;
                        default -> null;
                    };
                case "postgres":
                    return switch (verb) {
                        case "stop" -> target::postgresStop;
                        case "start" -> target::postgresStart;
                        default -> null;
                    };
                case "mail":
                    return switch (verb) {
                        case "stop" -> target::mailStop;
                        case "start" -> target::mailStart;
                        default -> null;
                    };
                default:
                    return null;
            }
        }
        if (parts.length == 3 && parts[0].equals("postgres") && target.databases().contains(parts[1])) {
            String database = parts[1];
            return switch (parts[2]) {
                case "stop" -> () -> target.databaseStop(database);
                case "start" -> () -> target.databaseStart(database);
                default -> null;
            };
        }
        return null;
    }

    private static void send(HttpExchange exchange, int status, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
