// Open-loop claims of deploy/bench/claims.sh --rates (JDK only, run as a single-file program):
//   java deploy/bench/ClaimsAtRate.java <claim-service url> <file: token TAB code> <claims/s> <seconds>
// Claim i is due at start + i / rate, whatever the answers before it (an open loop: a slow answer
// does not hold back the next claims, as wrk's closed loop does), each with the next line's user
// token and code and its own X-Forwarded-For. A claim's latency counts from the moment it was due, so
// time the client itself fell behind is counted too (no coordinated omission). Prints one RESULT line
// in the format of claims.lua's.

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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

public class ClaimsAtRate {

    public static void main(String[] args) throws Exception {
        URI claims = URI.create(args[0] + "/api/claims");
        List<String[]> lines = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[1]))) {
            int tab = line.indexOf('\t');
            if (tab > 0) {
                lines.add(new String[] { line.substring(0, tab), line.substring(tab + 1) });
            }
        }
        double rate = Double.parseDouble(args[2]);
        int count = (int) Math.round(rate * Double.parseDouble(args[3]));
        if (count > lines.size()) {
            throw new IllegalArgumentException(count + " claims need as many lines; the file has " + lines.size());
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(4)).connectTimeout(Duration.ofSeconds(5)).build();
        long[] latencies = new long[count];
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        List<CompletableFuture<Void>> inFlight = new ArrayList<>(count);
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        for (int i = 0; i < count; i++) {
            long due = start + (long) (i * 1e9 / rate);
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            String[] line = lines.get(i);
            HttpRequest request = HttpRequest.newBuilder(claims).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + line[0]).header("Content-Type", "application/json")
                    .header("X-Forwarded-For", "10.200." + (i / 256 % 256) + "." + (i % 256))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"" + line[1] + "\"}")).build();
            int index = i;
            inFlight.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).handle((response, failure) -> {
                latencies[index] = System.nanoTime() - due;
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
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        System.out.printf("RESULT offered=%.0f/s ok=%d non2xx=%d seconds=%.3f rate=%.0f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f socket_errors=%d%n",
                rate, ok.get(), other.get(), seconds, ok.get() / seconds, ms(sorted, 0.50), ms(sorted, 0.95), ms(sorted, 0.99),
                sorted[sorted.length - 1] / 1e6, errors.get());
        System.exit(0);
    }

    private static double ms(long[] sorted, double quantile) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)] / 1e6;
    }
}
