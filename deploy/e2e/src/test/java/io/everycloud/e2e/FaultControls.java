package io.everycloud.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The local suite's test-only fault controls ({@code deploy/local/run --controls}, loopback port
 * 8099, never the gateway): kill and start Kafka, close and open one service's database, stop and
 * start the SMTP sink. Each call returns when the action is done (a start when the part answers).
 */
final class FaultControls {

    static final String ADDRESS = "http://127.0.0.1:8099";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    /** POSTs the control; fails with the scenario's step when the launcher did not do it. */
    static String act(String path, String step) {
        try {
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(ADDRESS + path))
                    .timeout(Duration.ofSeconds(150)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new AssertionError(step + ": control " + path + " answered " + answer.statusCode() + " " + answer.body());
            }
            return answer.body().trim();
        } catch (IOException e) {
            throw new AssertionError(step + ": control " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** What the controls say is running (for failure messages). */
    static String status() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(ADDRESS + "/")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "(controls unreachable: " + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }

    private FaultControls() {
    }
}
