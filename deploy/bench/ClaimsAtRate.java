// Open-loop claims of deploy/bench/claims.sh --rates (JDK only, run as a single-file program):
//   java deploy/bench/ClaimsAtRate.java <claim-service url> <file: token TAB code> <seconds> <claims/s>...
// First 10 s at 200 claims/s, not reported: this JVM's own start and compilation would otherwise
// fall into the first rate's figures. Then for each rate, <seconds> of claims, claim i due at
// start + i / rate whatever the answers before it (an open loop: a slow answer does not hold back
// the next claims, as wrk's closed loop does), each with the next line's user token and code and
// its own X-Forwarded-For. A claim's latency counts from the moment it was due, so time the client
// itself fell behind is counted too (no coordinated omission). 64 keep-alive connections
// (-Dconnections=N), as wrk2 keeps a fixed set: a claim is sent by the first connection free at or
// after its due time, and a claim due while all are busy waits for one, its wait counted in its
// latency. Each connection is a thread with a plain socket that writes the request's bytes and
// reads the answer (status line, headers, Content-Length or chunked body): the JDK HttpClient this
// used before cost 0.86 ms of CPU per claim on the machine that serves them (bench of
// 2026-11-26 15:35, 500 claims/s: 0.43 of its 2 cores), more than the registry and Kafka together.
// Prints a RESULT line per rate in the format of claims.lua's, with offered=<rate>, and where the
// claims over 100 ms fell: over_100ms=<n> in <k> of the run's seconds, the three worst seconds
// (UTC, by due time) with their count. Few seconds holding most of them is a stall (a checkpoint, a
// collection, a relay round); many seconds with a few each is queueing.

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

public class ClaimsAtRate {

    static final int WARM_RATE = 200;
    static final int WARM_SECONDS = 10;
    static final int CONNECTIONS = Integer.getInteger("connections", 64);

    public static void main(String[] args) throws Exception {
        URI base = URI.create(args[0]);
        List<String[]> lines = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[1]))) {
            int tab = line.indexOf('\t');
            if (tab > 0) {
                lines.add(new String[] { line.substring(0, tab), line.substring(tab + 1) });
            }
        }
        double seconds = Double.parseDouble(args[2]);
        int next = run(base, lines, 0, WARM_RATE, WARM_SECONDS, null);
        for (int i = 3; i < args.length; i++) {
            Thread.sleep(2000);
            // claims.sh reads the processes' CPU time between this line and the RESULT line
            System.out.printf("START offered=%s/s%n", args[i]);
            next = run(base, lines, next, Double.parseDouble(args[i]), seconds, "RESULT");
        }
        // claims.sh reads this JVM's CPU time once it has read the last RESULT line: still be there
        Thread.sleep(3000);
        System.exit(0);
    }

    /** Claims at the rate for the seconds from line {@code from} on; prints the result if asked; returns the next line. */
    static int run(URI base, List<String[]> lines, int from, double rate, double seconds, String result) throws Exception {
        int count = (int) Math.round(rate * seconds);
        if (from + count > lines.size()) {
            throw new IllegalArgumentException((from + count) + " claims need as many lines; the file has " + lines.size());
        }
        long[] latencies = new long[count];
        AtomicInteger slots = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        long start = System.nanoTime() + 100_000_000L;
        long startWallMs = System.currentTimeMillis() + 100;
        List<Thread> connections = new ArrayList<>();
        for (int c = 0; c < Math.min(CONNECTIONS, count); c++) {
            Thread connection = new Thread(() -> {
                Connection http = new Connection(base);
                try {
                    int i;
                    while ((i = slots.getAndIncrement()) < count) {
                        long due = start + (long) (i * 1e9 / rate);
                        long wait;
                        while ((wait = due - System.nanoTime()) > 0) {
                            LockSupport.parkNanos(wait);
                        }
                        int status = http.claim(lines.get(from + i), from + i);
                        latencies[i] = System.nanoTime() - due;
                        if (status == 200) {
                            ok.incrementAndGet();
                        } else if (status > 0) {
                            other.incrementAndGet();
                        } else {
                            errors.incrementAndGet();
                        }
                    }
                } finally {
                    http.close();
                }
            }, "claims-" + c);
            connection.start();
            connections.add(connection);
        }
        for (Thread connection : connections) {
            connection.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        if (result != null) {
            System.out.printf(Locale.ROOT,
                    "%s offered=%.0f/s ok=%d non2xx=%d seconds=%.3f rate=%.0f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f socket_errors=%d%n",
                    result, rate, ok.get(), other.get(), elapsed, ok.get() / elapsed, ms(sorted, 0.50), ms(sorted, 0.95),
                    ms(sorted, 0.99), sorted[sorted.length - 1] / 1e6, errors.get());
            System.out.println(result + "_TAIL " + tail(latencies, rate, startWallMs, 100));
        }
        return from + count;
    }

    /** Where the claims over {@code limitMs} fell, by the wall-clock second (UTC) they were due in. */
    static String tail(long[] latencies, double rate, long startWallMs, long limitMs) {
        TreeMap<Long, Integer> bySecond = new TreeMap<>();
        int over = 0;
        for (int i = 0; i < latencies.length; i++) {
            if (latencies[i] > limitMs * 1_000_000L) {
                over++;
                bySecond.merge(second(startWallMs, i, rate), 1, Integer::sum);
            }
        }
        // the wall-clock seconds the due times span (a 20-s run that starts mid-second spans 21)
        long seconds = second(startWallMs, latencies.length - 1, rate) - startWallMs / 1000 + 1;
        DateTimeFormatter clock = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
        StringBuilder worst = new StringBuilder();
        bySecond.entrySet().stream()
                .sorted((a, b) -> b.getValue() - a.getValue())
                .limit(3)
                .forEach(e -> worst.append(worst.length() == 0 ? "" : ",")
                        .append(clock.format(Instant.ofEpochSecond(e.getKey()))).append('/').append(e.getValue()));
        return String.format(Locale.ROOT, "over_%dms=%d in_seconds=%d of %d worst_seconds=%s", limitMs, over,
                bySecond.size(), seconds, worst.length() == 0 ? "none" : worst);
    }

    /** The wall-clock second (epoch) claim {@code i} was due in. */
    private static long second(long startWallMs, int i, double rate) {
        return (startWallMs + (long) (i * 1000.0 / rate)) / 1000;
    }

    private static double ms(long[] sorted, double quantile) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)] / 1e6;
    }

    /** One keep-alive HTTP/1.1 connection to claim-service, opened again after an error or a close. */
    static final class Connection {

        private final URI base;
        private final byte[] buffer = new byte[8192];
        private Socket socket;
        private InputStream in;
        private OutputStream out;

        Connection(URI base) {
            this.base = base;
        }

        /** POST /api/claims with the line's token and code; the status, or 0 when the connection failed. */
        int claim(String[] line, int n) {
            String body = "{\"code\":\"" + line[1] + "\"}";
            String request = "POST /api/claims HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                    + "\r\nAuthorization: Bearer " + line[0]
                    + "\r\nContent-Type: application/json\r\nX-Forwarded-For: 10." + (200 + n / 65536 % 50) + "." + (n / 256 % 256) + "."
                    + (n % 256) + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
            try {
                if (socket == null) {
                    socket = new Socket();
                    socket.setTcpNoDelay(true);
                    socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
                    socket.setSoTimeout(30_000);
                    in = new BufferedInputStream(socket.getInputStream(), 16384);
                    out = socket.getOutputStream();
                }
                out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                return readResponse();
            } catch (IOException e) {
                close();
                return 0;
            }
        }

        /** Reads one answer whole; returns its status. Closes the connection when the server asked to. */
        private int readResponse() throws IOException {
            String statusLine = readLine();
            int status = Integer.parseInt(statusLine.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            boolean close = false;
            String header;
            while (!(header = readLine()).isEmpty()) {
                String lower = header.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(lower.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    close = true;
                }
            }
            if (chunked) {
                long size;
                while ((size = Long.parseLong(readLine().split(";")[0].trim(), 16)) > 0) {
                    skip(size);
                    readLine();
                }
                while (!readLine().isEmpty()) {
                    // trailers
                }
            } else if (length > 0) {
                skip(length);
            }
            if (close) {
                close();
            }
            return status;
        }

        private String readLine() throws IOException {
            StringBuilder line = new StringBuilder();
            int b;
            while ((b = in.read()) != '\n') {
                if (b < 0) {
                    throw new EOFException("connection closed");
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }

        private void skip(long n) throws IOException {
            while (n > 0) {
                int read = in.read(buffer, 0, (int) Math.min(buffer.length, n));
                if (read < 0) {
                    throw new EOFException("connection closed");
                }
                n -= read;
            }
        }

        void close() {
            try {
                if (socket != null) {
                    socket.close();
                }
            } catch (IOException ignored) {
                // closing anyway
            } finally {
                socket = null;
            }
        }
    }
}
