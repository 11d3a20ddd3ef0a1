package io.everycloud.notification;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.everycloud.events.Envelope;
import io.everycloud.events.RegistryEvents;
import io.everycloud.notification.webhook.WebhookSignature;
import io.everycloud.testkit.EventProbe;
import io.everycloud.testkit.Tokens;
import io.quarkus.test.junit.QuarkusTest;

/** Routed data reaches the app's receiver signed, in order per device, retried after failures. */
@QuarkusTest
class WebhookDeliveryTest {

    /** What the receiver got. */
    record Received(String deliveryId, String timestamp, String signature, String body) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private HttpServer receiver;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    /** Answers 500 to this many requests before answering 204. */
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private String appId;
    private final String secret = "s3cret-" + UUID.randomUUID();

    @BeforeEach
    void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        receiver.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(new Received(exchange.getRequestHeaders().getFirst(WebhookSignature.DELIVERY_HEADER),
                    exchange.getRequestHeaders().getFirst(WebhookSignature.TIMESTAMP_HEADER),
                    exchange.getRequestHeaders().getFirst(WebhookSignature.SIGNATURE_HEADER), new String(body, StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(failuresLeft.getAndDecrement() > 0 ? 500 : 204, -1);
            exchange.close();
        });
        receiver.start();
        appId = "ext_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    }

    private void register() {
        given().auth().oauth2(Tokens.oem()).contentType("application/json").body(Map.of("url", url(), "secret", secret))
                .put("/api/webhooks/" + appId).then().statusCode(201)
                .body("url", is(url()))
                .body("secretSet", is(true))
                .body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("secret")));
    }

    private Envelope data(String device, double value) throws IOException {
        return Envelope.of(device, new RegistryEvents.DataRouted(device, appId, "data_in",
                JSON.readTree("{\"temperature\":" + value + "}"), Instant.now()));
    }

    @Test
    void routedDataArrivesSignedSoTheReceiverCanVerifyIt() throws Exception {
        register();
        Envelope event = data("wh-dev-1", 21.5);
        EventProbe.send(event);
        EventProbe.send(event);

        Eventually.until("the delivery arrived", () -> !received.isEmpty());
        Received got = received.get(0);
        assertThat(got.signature()).isEqualTo(WebhookSignature.sign(secret, Long.parseLong(got.timestamp()), got.body()));
        assertThat(got.signature()).isEqualTo("sha256=" + hmacHex(secret, got.timestamp() + "." + got.body()));
        JsonNode body = JSON.readTree(got.body());
        assertThat(body.path("deliveryId").asText()).isEqualTo(got.deliveryId());
        assertThat(body.path("identity").asText()).isEqualTo("wh-dev-1");
        assertThat(body.path("appId").asText()).isEqualTo(appId);
        assertThat(body.path("data").path("temperature").asDouble()).isEqualTo(21.5);
        assertThat(body.path("eventId").asText()).isEqualTo(event.id().toString());

        Eventually.until("logged as sent", () -> "sent".equals(given().auth().oauth2(Tokens.oem()).queryParam("to", appId)
                .get("/api/notifications").then().extract().path("items[0].status")));
        given().auth().oauth2(Tokens.oem()).queryParam("to", appId).get("/api/notifications").then()
                .body("items.size()", is(1)).body("items[0].kind", is("webhook")).body("items[0].type", is("data.routed.v1"));
        assertThat(received).hasSize(1);
    }

    @Test
    void aFailedDeliveryIsRetriedAndLaterDataOfTheDeviceWaitsForIt() throws Exception {
        register();
        failuresLeft.set(2);
        List<Envelope> events = List.of(data("wh-dev-2", 1), data("wh-dev-2", 2), data("wh-dev-2", 3));
        events.forEach(EventProbe::send);

        Eventually.until("all three delivered", () -> received.stream().map(Received::deliveryId).distinct().count() == 3
                && received.size() == 5);
        List<Double> order = received.stream().map(r -> {
            try {
                return JSON.readTree(r.body()).path("data").path("temperature").asDouble();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        // Two refusals of the first, then each in order: the device's data never overtakes.
        assertThat(order).containsExactly(1.0, 1.0, 1.0, 2.0, 3.0);
        assertThat(received.get(0).deliveryId()).isEqualTo(received.get(2).deliveryId());
        Eventually.until("logged", () -> given().auth().oauth2(Tokens.oem()).queryParam("to", appId).queryParam("status", "sent")
                .get("/api/notifications").then().extract().path("items.size()").equals(3));
        given().auth().oauth2(Tokens.oem()).queryParam("to", appId).get("/api/notifications").then()
                .body("items[0].attempts", is(3)).body("items[1].attempts", is(1));
    }

    @Test
    void aBurstOfDeliveriesReachesTheReceiverEachExactlyOnce() throws Exception {
        register();
        List<Map.Entry<String, String>> burst = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Envelope event = data("wh-burst-" + (i % 30), i);
            burst.add(Map.entry(event.subject(), event.toJson()));
        }
        EventProbe.sendAllRaw(io.everycloud.events.Topics.REGISTRY_DATA, burst);

        // every answer is a 204, so each delivery is sent once: an answer the sender misread would be
        // sent again, and the receiver would see it twice
        Eventually.until("all 300 delivered", () -> received.stream().map(Received::deliveryId).distinct().count() == 300);
        Eventually.until("all 300 logged as sent", () -> Integer.valueOf(300).equals(given().auth().oauth2(Tokens.oem())
                .queryParam("to", appId).queryParam("status", "sent").queryParam("limit", 500)
                .get("/api/notifications").then().extract().path("items.size()")));
        assertThat(received).as("deliveries the receiver got (each answered 204)").hasSize(300);
        List<Integer> attempts = given().auth().oauth2(Tokens.oem()).queryParam("to", appId).queryParam("limit", 500)
                .get("/api/notifications").then().extract().path("items.attempts");
        assertThat(attempts).as("attempts per delivery").hasSize(300).containsOnly(1);
    }

    @Test
    void dataForAnAppWithoutWebhookIsNotDelivered() throws Exception {
        Envelope event = data("wh-dev-3", 5);
        EventProbe.send(event);
        Eventually.applied(event.id());
        given().auth().oauth2(Tokens.oem()).queryParam("to", appId).get("/api/notifications").then().body("items.size()", is(0));
        assertThat(received).isEmpty();
    }

    @Test
    void registrationsAreValidatedAndVisibleOnlyToTheOemAndTheApp() {
        given().auth().oauth2(Tokens.oem()).contentType("application/json").body(Map.of("url", "ftp://x.example/h", "secret", "short"))
                .put("/api/webhooks/" + appId).then().statusCode(400)
                .body("errors.field", org.hamcrest.Matchers.hasItems("url", "secret"));
        register();
        given().auth().oauth2(Tokens.app(appId)).get("/api/webhooks/" + appId).then().statusCode(200).body("appId", is(appId));
        given().auth().oauth2(Tokens.app("ext_other")).get("/api/webhooks/" + appId).then().statusCode(404);
        given().auth().oauth2(Tokens.app("ext_other")).delete("/api/webhooks/" + appId).then().statusCode(404);
        given().auth().oauth2(Tokens.user(UUID.randomUUID())).get("/api/webhooks/" + appId).then().statusCode(403);
        given().auth().oauth2(Tokens.oem()).contentType("application/json").body(Map.of("url", url() + "2", "secret", secret))
                .put("/api/webhooks/" + appId).then().statusCode(200).body("url", is(url() + "2"));
        given().auth().oauth2(Tokens.oem()).delete("/api/webhooks/" + appId).then().statusCode(204);
        given().auth().oauth2(Tokens.oem()).get("/api/webhooks/" + appId).then().statusCode(404)
                .contentType("application/problem+json");
    }

    static String hmacHex(String key, String message) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return java.util.HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    }
}
