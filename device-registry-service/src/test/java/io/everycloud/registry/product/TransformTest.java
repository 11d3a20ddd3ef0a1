package io.everycloud.registry.product;

import static io.everycloud.registry.Fleet.newIdentity;
import static io.everycloud.registry.Fleet.oem;
import static io.everycloud.registry.Fleet.post;
import static io.everycloud.registry.Fleet.provision;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.everycloud.events.Envelope;
import io.everycloud.events.RegistryEvents;
import io.everycloud.events.Topics;
import io.everycloud.registry.Fleet;
import io.everycloud.testkit.EventProbe;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** The product transform: checked when set, applied to data_in, bounded at runtime, published once per app. */
@QuarkusTest
class TransformTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @AfterEach
    void noTransform() {
        setTransform(null);
    }

    @Test
    void anInvalidTransformIsRefusedWithItsErrorPosition() {
        Map<String, Object> body = new HashMap<>();
        body.put("provisioning", "whitelist");
        body.put("transform", "{\"t\": temp * }");
        given().header("Authorization", oem()).contentType(ContentType.JSON).body(body)
                .when().put("/api/product").then().statusCode(400)
                .body("errors.field", hasItem("transform"))
                .body("errors[0].message", containsString("position"));
        given().header("Authorization", oem()).when().get("/api/product").then().statusCode(200)
                .body("transform", org.hamcrest.Matchers.nullValue());

        body.put("transform", "\"" + "x".repeat(65_536) + "\"");
        given().header("Authorization", oem()).contentType(ContentType.JSON).body(body)
                .when().put("/api/product").then().statusCode(400)
                .body("errors[0].message", containsString("65536"));
    }

    @Test
    void dataInIsTransformedAndPublishedOncePerApp() throws Exception {
        setTransform("{\"celsius\": temp, \"fahrenheit\": temp * 9 / 5 + 32, \"device\": $identity}");
        String identity = newIdentity("route");
        provision(identity, Map.of("apps", List.of("ext_one", "ext_two")));
        String token = Fleet.activate(identity);
        assertThat(post("/onep:v1/stack/alias", token, "data_in=%7B%22temp%22%3A100%7D").statusCode()).isEqualTo(204);

        List<Envelope> routed = EventProbe.await(Topics.REGISTRY_DATA, e -> e.subject().equals(identity), 2, WAIT);
        assertThat(routed).hasSize(2);
        var data = routed.stream().map(e -> e.dataAs(RegistryEvents.DataRouted.class)).toList();
        assertThat(data).extracting(RegistryEvents.DataRouted::appId).containsExactlyInAnyOrder("ext_one", "ext_two");
        assertThat(data.get(0).data()).isEqualTo(new ObjectMapper().readTree(
                "{\"celsius\":100,\"fahrenheit\":212,\"device\":\"" + identity + "\"}"));
        assertThat(data.get(0).alias()).isEqualTo("data_in");
    }

    @Test
    void withoutATransformTheDataIsRoutedAsSent() throws Exception {
        String identity = newIdentity("raw");
        provision(identity, Map.of("apps", List.of("ext_raw")));
        String token = Fleet.activate(identity);
        post("/onep:v1/stack/alias", token, "data_in=%7B%22a%22%3A1%7D");
        var routed = EventProbe.awaitOne(Topics.REGISTRY_DATA, e -> e.subject().equals(identity), WAIT)
                .dataAs(RegistryEvents.DataRouted.class);
        assertThat(routed.data()).isEqualTo(new ObjectMapper().readTree("{\"a\":1}"));
    }

    @Test
    void aRunawayTransformIsStoppedCountedAndNothingIsForwarded() {
        String identity = newIdentity("runaway");
        provision(identity, Map.of("apps", List.of("ext_safe")));
        String token = Fleet.activate(identity);
        double before = failures();

        // endless tail recursion (stopped by the time bound) and endless deep recursion (stopped by the depth bound)
        setTransform("($f := function($n){ $f($n + 1) }; $f(0))");
        assertThat(post("/onep:v1/stack/alias", token, "data_in=%7B%22n%22%3A1%7D").statusCode()).isEqualTo(204);
        setTransform("($f := function($n){ 1 + $f($n + 1) }; $f(0))");
        assertThat(post("/onep:v1/stack/alias", token, "data_in=%7B%22n%22%3A2%7D").statusCode()).isEqualTo(204);
        assertThat(failures()).isEqualTo(before + 2);

        // the device's data is still stored, and the next message routes normally
        assertThat(Fleet.get("/onep:v1/stack/alias?data_in", token).body()).isEqualTo("data_in=%7B%22n%22%3A2%7D");
        setTransform("{\"n\": n}");
        post("/onep:v1/stack/alias", token, "data_in=%7B%22n%22%3A3%7D");
        EventProbe.awaitOne(Topics.REGISTRY_DATA, e -> e.subject().equals(identity), WAIT);
        List<Envelope> all = EventProbe.events(Topics.REGISTRY_DATA, e -> e.subject().equals(identity));
        assertThat(all).hasSize(1);
        assertThat(all.get(0).dataAs(RegistryEvents.DataRouted.class).data().get("n").asInt()).isEqualTo(3);
    }

    private static double failures() {
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("registry_transform_failures_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static void setTransform(String expression) {
        Map<String, Object> body = new HashMap<>();
        body.put("provisioning", "whitelist");
        body.put("transform", expression);
        given().header("Authorization", oem()).contentType(ContentType.JSON).body(body)
                .when().put("/api/product").then().statusCode(200)
                .body("transform", equalTo(expression));
    }
}
