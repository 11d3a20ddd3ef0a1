package io.everycloud.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/**
 * The one-command local suite, started exactly as README.md tells a person to
 * ({@code deploy/local/run}): every service becomes ready behind the one address, paths reach the
 * service that owns them, the mail sink takes SMTP and shows it over HTTP, and stopping the
 * suite leaves no process and no open port behind.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SuiteSmokeIT {

    static final String ADDRESS = SuiteProcess.ADDRESS;
    static final List<String> SERVICES = SuiteProcess.SERVICES;
    static final Duration STOP_TIMEOUT = SuiteProcess.STOP_TIMEOUT;

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    static final ObjectMapper JSON = new ObjectMapper();

    /** Started as README.md says, with no environment of its own; stopped (if a test failed before the stop test) and checked after the class. */
    @RegisterExtension
    static final SuiteExtension suite = SuiteExtension.forClass("suite-data");

    @Test
    @Order(1)
    void everyServiceIsReadyThroughTheOneAddress() {
        for (String service : SERVICES) {
            HttpResponse<String> ready = get("/services/" + service + "/q/health/ready");
            assertThat(ready.statusCode()).as(service + " readiness").isEqualTo(200);
            assertThat(ready.headers().firstValue("X-EveryCloud-Service")).as(service + " readiness").hasValue(service);
            assertThat(ready.body()).contains("\"status\": \"UP\"");
        }
    }

    @Test
    @Order(2)
    void eachPathIsAnsweredByTheServiceThatOwnsIt() {
        Map<String, String> owners = new LinkedHashMap<>();
        owners.put("/timestamp", "device-registry");
        owners.put("/api/devices", "device-registry");
        owners.put("/api/claims", "claim");
        owners.put("/oauth/jwks", "user");
        owners.put("/api/firmware", "firmware");
        owners.put("/api/templates", "notification");
        owners.put("/vendor/branding.json", "portal");
        owners.put("/", "portal");
        owners.forEach((path, owner) -> {
            HttpResponse<String> response = get(path);
            assertThat(response.headers().firstValue("X-EveryCloud-Service")).as(path).hasValue(owner);
            // the service itself answered (any answer of its own; 502/504 would be the gateway's)
            assertThat(response.statusCode()).as(path + " answered by " + owner).isNotIn(502, 503, 504);
        });
        HttpResponse<String> branding = get("/vendor/branding.json");
        assertThat(branding.statusCode()).isEqualTo(200);
        assertThat(branding.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).contains("json"));
    }

    @Test
    @Order(3)
    void aMailSentThroughTheSinkCanBeReadBackOverHttp() throws Exception {
        String subject = "smoke test " + UUID.randomUUID();
        Properties smtp = new Properties();
        smtp.put("mail.smtp.host", "127.0.0.1");
        smtp.put("mail.smtp.port", "2525");
        smtp.put("mail.smtp.connectiontimeout", "5000");
        smtp.put("mail.smtp.timeout", "10000");
        MimeMessage mail = new MimeMessage(Session.getInstance(smtp));
        mail.setFrom(new InternetAddress("noreply@everycloud.local"));
        mail.setRecipient(Message.RecipientType.TO, new InternetAddress("owner@example.com"));
        mail.setSubject(subject);
        mail.setText("Your device is online.", "UTF-8");
        Transport.send(mail);

        JsonNode received = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (received == null && System.nanoTime() < deadline) {
            HttpResponse<String> messages = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:8025/messages"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(messages.statusCode()).isEqualTo(200);
            for (JsonNode message : JSON.readTree(messages.body())) {
                if (subject.equals(message.path("subject").asText())) {
                    received = message;
                }
            }
            if (received == null) {
                Thread.sleep(200);
            }
        }
        assertThat(received).as("the mail in http://localhost:8025/messages").isNotNull();
        assertThat(received.path("from").asText()).isEqualTo("noreply@everycloud.local");
        assertThat(received.path("to").get(0).asText()).isEqualTo("owner@example.com");
        assertThat(received.path("text").asText()).contains("Your device is online.");
    }

    @Test
    @Order(4)
    void stoppingTheSuiteLeavesNoProcessAndNoOpenPort() throws Exception {
        Process launcher = suite.process().launcher();
        List<ProcessHandle> tree = Stream.concat(Stream.of(launcher.toHandle()), launcher.toHandle().descendants()).toList();
        // the launcher, six services and the Kafka broker (PostgreSQL detaches itself; its port is checked below)
        assertThat(tree).as("the launcher's process tree").hasSizeGreaterThanOrEqualTo(8);

        launcher.destroy(); // SIGTERM, as Ctrl-C or a service manager would
        assertThat(launcher.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("the launcher stops").isTrue();

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline && (tree.stream().anyMatch(ProcessHandle::isAlive) || !SuiteProcess.openPorts().isEmpty())) {
            Thread.sleep(200);
        }
        assertThat(tree.stream().filter(ProcessHandle::isAlive).map(p -> p.pid() + " " + p.info().commandLine().orElse("?")))
                .as("processes left behind").isEmpty();
        assertThat(SuiteProcess.openPorts()).as("ports still open").isEmpty();
        assertThat(SuiteProcess.tail(suite.process().output(), 5)).contains("Stopped");
    }

    private static HttpResponse<String> get(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(ADDRESS + path)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("GET " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
