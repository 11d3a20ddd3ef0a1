package io.everycloud.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The test-only fault controls ({@code --controls}): routes, methods, failures, loopback only. */
class SuiteControlsTest {

    /** Records what it was asked to do. */
    static final class Recording implements SuiteControls.Target {
        final List<String> calls = new ArrayList<>();

        private String record(String call) {
            calls.add(call);
            return call + " done";
        }

        @Override
        public String kafkaKill() {
            return record("kafka kill");
        }

        @Override
        public String kafkaStop() {
            return record("kafka stop");
        }

        @Override
        public String kafkaStart() {
            return record("kafka start");
        }

        @Override
        public String postgresStop() {
            return record("postgres stop");
        }

        @Override
        public String postgresStart() {
            throw new IllegalStateException("the data folder is locked");
        }

        @Override
        public String databaseStop(String database) {
            return record("database stop " + database);
        }

        @Override
        public String databaseStart(String database) {
            return record("database start " + database);
        }

        @Override
        public String mailStop() {
            return record("mail stop");
        }

        @Override
        public String mailStart() {
            return record("mail start");
        }

        @Override
        public String status() {
            return "all running";
        }

        @Override
        public List<String> databases() {
            return List.of("registry", "user");
        }
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private Recording target;
    private SuiteControls controls;

    @BeforeEach
    void start() {
        target = new Recording();
        controls = SuiteControls.start(target, 0);
    }

    @AfterEach
    void stop() {
        controls.close();
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + controls.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void eachActionIsAPostThatAnswersWhatWasDone() throws Exception {
        for (String path : List.of("/kafka/kill", "/kafka/start", "/kafka/stop", "/postgres/stop", "/mail/stop", "/mail/start")) {
            HttpResponse<String> answer = send("POST", path);
            assertThat(answer.statusCode()).as(path).isEqualTo(200);
            assertThat(answer.body()).as(path).endsWith(" done\n");
        }
        assertThat(target.calls).containsExactly("kafka kill", "kafka start", "kafka stop", "postgres stop", "mail stop", "mail start");
    }

    @Test
    void oneServicesDatabaseIsStoppedAndStartedByName() throws Exception {
        assertThat(send("POST", "/postgres/registry/stop").body()).isEqualTo("database stop registry done\n");
        assertThat(send("POST", "/postgres/registry/start").statusCode()).isEqualTo(200);
        assertThat(send("POST", "/postgres/nosuch/stop").statusCode()).isEqualTo(404);
        assertThat(send("POST", "/postgres/user/drop").statusCode()).isEqualTo(404);
        assertThat(target.calls).containsExactly("database stop registry", "database start registry");
    }

    @Test
    void unknownControlsAreNotFoundAndOtherMethodsRefused() throws Exception {
        assertThat(send("POST", "/kafka/explode").statusCode()).isEqualTo(404);
        assertThat(send("POST", "/gateway/stop").statusCode()).isEqualTo(404);
        assertThat(send("POST", "/kafka").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/kafka/kill").statusCode()).isEqualTo(405);
        assertThat(send("DELETE", "/").statusCode()).isEqualTo(405);
        assertThat(target.calls).isEmpty();
    }

    @Test
    void theStatusIsAGetOfTheRoot() throws Exception {
        HttpResponse<String> status = send("GET", "/");
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(status.body()).isEqualTo("all running\n");
        assertThat(status.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
    }

    @Test
    void aFailedActionAnswers500WithTheReason() throws Exception {
        HttpResponse<String> failed = send("POST", "/postgres/start");
        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(failed.body()).contains("/postgres/start failed: the data folder is locked");
    }

    @Test
    void theControlsListenOnLoopbackOnly() throws Exception {
        InetAddress other = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
                .filter(a -> !a.isLoopbackAddress() && a instanceof Inet4Address).findFirst().orElse(null);
        assertThat(controls.port()).isPositive();
        if (other == null) {
            return; // a machine with loopback only: no other address to try
        }
        boolean answered;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(other, controls.port()), 1000);
            answered = true;
        } catch (IOException refused) {
            answered = false;
        }
        assertThat(answered).as("the controls answer on %s", other).isFalse();
    }
}
