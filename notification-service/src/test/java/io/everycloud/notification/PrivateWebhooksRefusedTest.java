package io.everycloud.notification;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.everycloud.testkit.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** With the production default (private addresses not allowed), webhook URLs into private networks are refused. Public for its profile, which DnsRebindingRefusedTest shares (one restart fewer). */
@QuarkusTest
@TestProfile(PrivateWebhooksRefusedTest.GuardOn.class)
public class PrivateWebhooksRefusedTest {

    /** The SSRF guard as shipped. */
    public static class GuardOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("notification.webhooks.allow-private", "false");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:9000/hook", "http://localhost/hook", "http://169.254.169.254/latest/meta-data",
            "http://10.0.0.8/hook", "http://192.168.1.20/hook", "http://[::1]/hook"})
    void urlsIntoPrivateNetworksAreRefusedNamingTheUrl(String url) {
        given().auth().oauth2(Tokens.oem()).contentType("application/json")
                .body(Map.of("url", url, "secret", "0123456789abcdef0123"))
                .put("/api/webhooks/ext_ssrf").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", is("url"))
                .body("errors[0].message", containsString("address"));
        given().auth().oauth2(Tokens.oem()).get("/api/webhooks/ext_ssrf").then().statusCode(404);
    }
}
