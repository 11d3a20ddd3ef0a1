// Long-poll client of deploy/bench/long-polls.sh (JDK only, run as a single-file program):
//   java deploy/bench/LongPolls.java <base url> <devices file: identity TAB token> <oem bearer token>
//        <sample> <registry pid>
// Every device holds GET /onep:v1/stack/alias?bench_lp (Request-Timeout 120 s) on its own
// connection; once the registry reports them held, the platform writes bench_lp of <sample>
// devices (PUT /api/devices/{identity}/resources/bench_lp, one every 20 ms) and the time from
// sending the write to the device's poll answering is recorded; between two writes a bare
// GET /timestamp measures the floor (the machine's HTTP round trip at that moment). Prints one RESULT line.

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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

public class LongPolls {

    public static void main(String[] args) throws Exception {
        String base = args[0];
        List<String[]> devices = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[1]))) {
            if (!line.isBlank()) {
                devices.add(line.split("\t"));
            }
        }
        String oem = args[2];
        int sample = Math.min(Integer.parseInt(args[3]), devices.size());
        long registryPid = Long.parseLong(args[4]);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(4)).connectTimeout(Duration.ofSeconds(30)).build();

        ConcurrentHashMap<String, Long> answeredAt = new ConcurrentHashMap<>();
        ConcurrentHashMap<String, Integer> answerStatus = new ConcurrentHashMap<>();
        AtomicInteger failed = new AtomicInteger();
        long t0 = System.nanoTime();
        for (int i = 0; i < devices.size(); i++) {
            String identity = devices.get(i)[0];
            HttpRequest poll = HttpRequest.newBuilder(URI.create(base + "/onep:v1/stack/alias?bench_lp"))
                    .header("X-Exosite-CIK", devices.get(i)[1]).header("Request-Timeout", "120000")
                    .timeout(Duration.ofSeconds(180)).GET().build();
            client.sendAsync(poll, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
                answeredAt.put(identity, System.nanoTime());
                if (error != null) {
                    failed.incrementAndGet();
                } else {
                    answerStatus.put(identity, response.statusCode());
                }
            });
            if (i % 200 == 199) {
                Thread.sleep(50); // do not open thousands of connections in the same millisecond
            }
        }
        // wait until the registry holds them all (its own gauge), at most 180 s
        long held = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            held = heldPolls(client, base);
            if (held >= devices.size() || failed.get() > 0) {
                break;
            }
            Thread.sleep(500);
        }
        double openSeconds = (System.nanoTime() - t0) / 1e9;
        long rssHeldMb = rssMb(registryPid);
        int answeredEarly = answeredAt.size();

        // warm-up: the first platform writes fetch the issuer's keys and run cold code (on a loaded
        // machine the JIT needs more than a few dozen); they write an alias nobody polls, so they wake nothing
        for (int k = 0; k < 200; k++) {
            client.send(HttpRequest.newBuilder(URI.create(base + "/api/devices/" + devices.get(0)[0] + "/resources/bench_warm"))
                    .header("Authorization", "Bearer " + oem).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(60)).PUT(HttpRequest.BodyPublishers.ofString("{\"value\":\"w\"}")).build(),
                    HttpResponse.BodyHandlers.discarding());
        }

        // platform writes to a sample, spread over the fleet
        ConcurrentHashMap<String, Long> writtenAt = new ConcurrentHashMap<>();
        AtomicInteger writeFailures = new AtomicInteger();
        java.util.concurrent.ConcurrentLinkedQueue<Double> floorMs = new java.util.concurrent.ConcurrentLinkedQueue<>();
        int step = Math.max(1, devices.size() / Math.max(1, sample));
        for (int k = 0; k < sample; k++) {
            String identity = devices.get(k * step)[0];
            HttpRequest write = HttpRequest.newBuilder(URI.create(base + "/api/devices/" + identity + "/resources/bench_lp"))
                    .header("Authorization", "Bearer " + oem).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(60))
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"value\":\"v" + k + "\"}")).build();
            writtenAt.put(identity, System.nanoTime());
            client.sendAsync(write, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
                if (error != null || response.statusCode() != 200) {
                    writeFailures.incrementAndGet();
                    System.err.println("write " + identity + ": " + (error != null ? error : response.statusCode() + " " + response.body()));
                }
            });
            // the floor, in the same run: a bare round trip (GET /timestamp: no token, no database)
            // sent between two writes, on the same client and machine as the writes
            Thread.sleep(10);
            long floorSent = System.nanoTime();
            client.sendAsync(HttpRequest.newBuilder(URI.create(base + "/timestamp")).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
                        if (error == null && response.statusCode() == 200) {
                            floorMs.add((System.nanoTime() - floorSent) / 1e6);
                        }
                    });
            Thread.sleep(10);
        }
        deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && !writtenAt.keySet().stream().allMatch(answeredAt::containsKey)) {
            Thread.sleep(100);
        }
        long rssAfterMb = rssMb(registryPid);
        double[] ms = writtenAt.entrySet().stream().filter(e -> answeredAt.containsKey(e.getKey()))
                .mapToDouble(e -> (answeredAt.get(e.getKey()) - e.getValue()) / 1e6).sorted().toArray();
        double[] floor = floorMs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        long answered200 = writtenAt.keySet().stream().filter(id -> Integer.valueOf(200).equals(answerStatus.get(id))).count();
        int unsampledAnswered = (int) answeredAt.keySet().stream().filter(id -> !writtenAt.containsKey(id)).count();
        System.out.printf("RESULT polls=%d held=%d open_s=%.1f poll_errors=%d answered_before_writes=%d sample=%d answered_200=%d"
                + " write_failures=%d p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f max_ms=%.1f unsampled_answered=%d"
                + " registry_rss_held_mb=%d registry_rss_after_mb=%d floor_n=%d floor_p50_ms=%.1f floor_p95_ms=%.1f floor_p99_ms=%.1f%n",
                devices.size(), held, openSeconds, failed.get(), answeredEarly, sample, answered200, writeFailures.get(),
                pct(ms, 50), pct(ms, 95), pct(ms, 99), ms.length == 0 ? Double.NaN : ms[ms.length - 1], unsampledAnswered,
                rssHeldMb, rssAfterMb, floor.length, pct(floor, 50), pct(floor, 95), pct(floor, 99));
        System.exit(0); // the other polls are abandoned; the registry times them out
    }

    static double pct(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1)];
    }

    static long heldPolls(HttpClient client, String base) {
        try {
            String metrics = client.send(HttpRequest.newBuilder(URI.create(base + "/q/metrics")).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return Arrays.stream(metrics.split("\n")).filter(l -> l.startsWith("registry_long_polls_held"))
                    .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        } catch (Exception e) {
            return -1;
        }
    }

    static long rssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (Exception e) {
            // the registry is gone: reported as -1
        }
        return -1;
    }
}
