package io.everycloud.kit.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.everycloud.kit.KitTestSupport;
import io.everycloud.kit.testapp.DoomedListener;
import io.everycloud.testkit.EventProbe;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A Kafka channel that ended (its consumer reported a failure and stopped) makes {@code /q/health/live}
 * DOWN and names the channel, so Kubernetes restarts the pod instead of leaving a service that no
 * longer consumes. (The other channels of the test application stay up; nothing else in the kit's
 * tests reads liveness.)
 */
@QuarkusTest
class DeadChannelTest {

    @Test
    void aChannelThatEndedMakesTheServiceNotLive() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));

        EventProbe.sendRaw(DoomedListener.TOPIC, "k", "the last record");

        KitTestSupport.await(() -> given().when().get("/q/health/live").then().extract().statusCode(), status -> status == 503,
                Duration.ofSeconds(60), "liveness DOWN after the channel ended");
        given().when().get("/q/health/live").then().statusCode(503).body("status", equalTo("DOWN"))
                .body(containsString("doomed"));
    }
}
