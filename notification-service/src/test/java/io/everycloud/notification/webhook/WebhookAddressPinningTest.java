package io.everycloud.notification.webhook;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

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
import io.everycloud.testkit.EventProbe;
import io.everycloud.testkit.Tokens;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A delivery goes to the address its one lookup gave, never to another lookup's answer (the test
 * profile allows loopback receivers, so both "answers" can be servers of this test).
 */
@QuarkusTest
class WebhookAddressPinningTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ScriptedDns dns = new ScriptedDns();
    private final String appId = "ext_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private final String secret = "s3cret-" + UUID.randomUUID();
    private Receiver resolved;
    private Receiver later;

    @BeforeEach
    void receivers() throws Exception {
        // the same port on two loopback addresses: only the address tells them apart
        resolved = new Receiver("127.0.0.2", 0);
        later = new Receiver("127.0.0.1", resolved.port());
        QuarkusMock.installMockForType(dns, WebhookDns.class);
    }

    @AfterEach
    void stop() {
        resolved.close();
        later.close();
    }

    @Test
    void theRequestGoesToTheAddressTheLookupGaveWithTheUrlsHostName() throws Exception {
        // "localhost" is 127.0.0.1 to the system resolver too: a client resolving on its own would reach `later`
        dns.answer("localhost", "127.0.0.2", "127.0.0.1");
        String url = "http://localhost:" + resolved.port() + "/hook";
        given().auth().oauth2(Tokens.oem()).contentType("application/json").body(Map.of("url", url, "secret", secret))
                .put("/api/webhooks/" + appId).then().statusCode(201);

        EventProbe.send(Envelope.of("pin-dev-1", new RegistryEvents.DataRouted("pin-dev-1", appId, "data_in",
                JSON.readTree("{\"temperature\":7.5}"), Instant.now())));

        Eventually.until("logged as sent", () -> "sent".equals(given().auth().oauth2(Tokens.oem()).queryParam("to", appId)
                .get("/api/notifications").then().extract().path("items[0].status")));
        assertThat(resolved.received()).hasSize(1);
        Receiver.Request got = resolved.received().get(0);
        assertThat(got.host()).isEqualTo("localhost:" + resolved.port());
        assertThat(got.signature()).isEqualTo(WebhookSignature.sign(secret, Long.parseLong(got.timestamp()), got.body()));
        assertThat(JSON.readTree(got.body()).path("data").path("temperature").asDouble()).isEqualTo(7.5);
        assertThat(later.received()).isEmpty();
        assertThat(dns.lookups("localhost")).as("one lookup for the one attempt").containsExactly("127.0.0.2");
    }
}
