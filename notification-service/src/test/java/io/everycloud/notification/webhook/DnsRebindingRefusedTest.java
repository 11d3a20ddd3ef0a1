package io.everycloud.notification.webhook;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.everycloud.events.Envelope;
import io.everycloud.events.RegistryEvents;
import io.everycloud.notification.Eventually;
import io.everycloud.notification.PrivateWebhooksRefusedTest;
import io.everycloud.testkit.EventProbe;
import io.everycloud.testkit.Tokens;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * With the SSRF guard on, a DNS server that answers differently from one lookup to the next does
 * not get a delivery into the loopback network, and one private address among public ones is
 * enough to refuse a host.
 */
@QuarkusTest
@TestProfile(PrivateWebhooksRefusedTest.GuardOn.class)
class DnsRebindingRefusedTest {

    /** A public address (documentation range, routed nowhere): the check passes it, connecting fails. */
    private static final String PUBLIC = "2001:db8::10";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ScriptedDns dns = new ScriptedDns();
    private final String appId = "ext_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private Receiver loopback;

    @BeforeEach
    void receiver() throws Exception {
        loopback = new Receiver("127.0.0.1", 0);
        QuarkusMock.installMockForType(dns, WebhookDns.class);
    }

    @AfterEach
    void stop() {
        loopback.close();
    }

    @Test
    void aHostThatRebindsToLoopbackAfterTheCheckNeverGetsADeliveryThere() throws Exception {
        // registration and the first delivery's check see a public address, every later lookup loopback
        dns.answer("localhost", PUBLIC, PUBLIC, "127.0.0.1");
        register("http://localhost:" + loopback.port() + "/hook");
        send("rebind-dev-1");

        JsonPath delivery = finished();
        // the first attempt went to the checked address and failed; the next lookup's loopback answer was refused
        assertThat(delivery.getString("status")).isEqualTo("failed");
        assertThat(delivery.getInt("attempts")).isEqualTo(1);
        assertThat(delivery.getString("lastError")).startsWith("webhook URL refused: resolves to 127.0.0.1");
        assertThat(loopback.received()).isEmpty();
        assertThat(dns.lookups("localhost")).as("registration, then one lookup per attempt")
                .containsExactly(PUBLIC, PUBLIC, "127.0.0.1");
    }

    @Test
    void onePrivateAddressAmongPublicOnesIsRefusedAtRegistration() {
        dns.answer("hooks.example.test", "93.184.216.34,10.0.0.8");
        given().auth().oauth2(Tokens.oem()).contentType("application/json")
                .body(Map.of("url", "https://hooks.example.test/hook", "secret", "0123456789abcdef0123"))
                .put("/api/webhooks/" + appId).then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", is("url"))
                .body("errors[0].message", containsString("10.0.0.8"));
        given().auth().oauth2(Tokens.oem()).get("/api/webhooks/" + appId).then().statusCode(404);
    }

    @Test
    void aHostThatGainsALoopbackAddressIsRefusedAtDeliveryWithoutConnecting() throws Exception {
        // public at registration; by the delivery the public address comes first, loopback second
        dns.answer("localhost", PUBLIC, PUBLIC + ",127.0.0.1");
        register("http://localhost:" + loopback.port() + "/hook");
        send("rebind-dev-2");

        JsonPath delivery = finished();
        assertThat(delivery.getString("status")).isEqualTo("failed");
        assertThat(delivery.getInt("attempts")).isZero();
        assertThat(delivery.getString("lastError")).startsWith("webhook URL refused: resolves to 127.0.0.1");
        assertThat(loopback.received()).isEmpty();
    }

    private void register(String url) {
        given().auth().oauth2(Tokens.oem()).contentType("application/json").body(Map.of("url", url, "secret", "0123456789abcdef0123"))
                .put("/api/webhooks/" + appId).then().statusCode(201);
    }

    private void send(String device) throws Exception {
        EventProbe.send(Envelope.of(device, new RegistryEvents.DataRouted(device, appId, "data_in",
                JSON.readTree("{\"temperature\":1}"), Instant.now())));
    }

    /** The app's one delivery once it is no longer pending, as the delivery log shows it. */
    private JsonPath finished() {
        Eventually.until("the delivery finished", () -> {
            String status = given().auth().oauth2(Tokens.oem()).queryParam("to", appId).get("/api/notifications")
                    .then().extract().path("items[0].status");
            return status != null && !status.equals("pending");
        });
        JsonPath log = given().auth().oauth2(Tokens.oem()).queryParam("to", appId).get("/api/notifications")
                .then().statusCode(200).body("items.size()", is(1)).extract().jsonPath();
        return log.setRootPath("items[0]");
    }
}
