// Open-loop claims of deploy/bench/claims.sh --rates (JDK only, run as a single-file program):
//   java deploy/bench/ClaimsAtRate.java <claim-service url> <file: token TAB code> <seconds> <claims/s>...
// First 10 s at 200 claims/s, not reported: this JVM's own start and compilation would otherwise
// fall into the first rate's figures. Then for each rate, <seconds> of claims, claim i due at
// start + i / rate whatever the answers before it (an open loop: a slow answer does not hold back
// the next claims, as wrk's closed loop does), each with the next line's user token and code and
// its own X-Forwarded-For. A claim's latency counts from the moment it was due, so time the client
// itself fell behind is counted too (no coordinated omission). At most 64 claims are in flight
// (-Dconnections=N), as wrk2 keeps a fixed set of connections: a claim due while all are busy waits
// for one, and its wait counts in its latency. Without the bound, a backlog opened ever more
// connections (the JDK client opens one per request in flight) and the server spent its CPU on
// them. Prints a RESULT line per rate in the format of claims.lua's, with offered=<rate>.

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

public class ClaimsAtRate {

    static final int WARM_RATE = 200;
    static final int WARM_SECONDS = 10;
    static final int CONNECTIONS = Integer.getInteger("connections", 64);

    public static void main(String[] args) throws Exception {
        URI claims = URI.create(args[0] + "/api/claims");
        List<String[]> lines = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[1]))) {
            int tab = line.indexOf('\t');
            if (tab > 0) {
                lines.add(new String[] { line.substring(0, tab), line.substring(tab + 1) });
            }
        }
        double seconds = Double.parseDouble(args[2]);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(4)).connectTimeout(Duration.ofSeconds(5)).build();
        int next = run(http, claims, lines, 0, WARM_RATE, WARM_SECONDS, null);
        for (int i = 3; i < args.length; i++) {
            Thread.sleep(2000);
            // claims.sh reads the processes' CPU time between this line and the RESULT line
            System.out.printf("START offered=%s/s%n", args[i]);
            next = run(http, claims, lines, next, Double.parseDouble(args[i]), seconds, "RESULT");
        }
        System.exit(0);
    }

    /** Claims at the rate for the seconds from line {@code from} on; prints the result if asked; returns the next line. */
    static int run(HttpClient http, URI claims, List<String[]> lines, int from, double rate, double seconds, String result)
            throws Exception {
        int count = (int) Math.round(rate * seconds);
        if (from + count > lines.size()) {
            throw new IllegalArgumentException((from + count) + " claims need as many lines; the file has " + lines.size());
        }
        long[] latencies = new long[count];
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        List<CompletableFuture<Void>> inFlight = new ArrayList<>(count);
        Semaphore connections = new Semaphore(CONNECTIONS);
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        for (int i = 0; i < count; i++) {
            long due = start + (long) (i * 1e9 / rate);
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            connections.acquire();
            int n = from + i;
            String[] line = lines.get(n);
            HttpRequest request = HttpRequest.newBuilder(claims).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + line[0]).header("Content-Type", "application/json")
                    .header("X-Forwarded-For", "10." + (200 + n / 65536 % 50) + "." + (n / 256 % 256) + "." + (n % 256))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"" + line[1] + "\"}")).build();
            int index = i;
            inFlight.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).handle((response, failure) -> {
                latencies[index] = System.nanoTime() - due;
                connections.release();
                if (failure != null) {
                    errors.incrementAndGet();
                } else if (response.statusCode() == 200) {
                    ok.incrementAndGet();
                } else {
                    other.incrementAndGet();
                }
                return null;
            }));
        }
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        double elapsed = (System.nanoTime() - start) / 1e9;
        long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        if (result != null) {
            System.out.printf("%s offered=%.0f/s ok=%d non2xx=%d seconds=%.3f rate=%.0f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f socket_errors=%d%n",
                    result, rate, ok.get(), other.get(), elapsed, ok.get() / elapsed, ms(sorted, 0.50), ms(sorted, 0.95),
                    ms(sorted, 0.99), sorted[sorted.length - 1] / 1e6, errors.get());
        }
        return from + count;
    }

    private static double ms(long[] sorted, double quantile) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)] / 1e6;
    }
}
