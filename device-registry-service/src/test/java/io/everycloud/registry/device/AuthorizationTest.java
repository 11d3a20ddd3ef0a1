package io.everycloud.registry.device;

import static io.everycloud.registry.Fleet.newIdentity;
import static io.everycloud.registry.Fleet.oem;
import static io.everycloud.registry.Fleet.provision;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.everycloud.testkit.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** The authorization matrix: oem all, a user their own devices, an app the devices routed to it; others 404. */
@QuarkusTest
class AuthorizationTest {

    private final UUID owner = UUID.randomUUID();
    private final String ownerToken = Tokens.bearer(Tokens.user(owner));
    private final String foreignUser = Tokens.bearer(Tokens.user(UUID.randomUUID()));
    private final String appToken = Tokens.bearer(Tokens.app("ext_routed"));
    private final String foreignApp = Tokens.bearer(Tokens.app("ext_stranger"));

    private String ownedDevice() {
        String identity = newIdentity("authz");
        provision(identity, Map.of("users", List.of(owner.toString()), "apps", List.of("ext_routed")));
        return identity;
    }

    /** Each id-taking route, called with a token. */
    private interface Call {
        int status(RequestSpecification request, String identity);
    }

    private static final Map<String, Call> ROUTES = Map.of(
            "GET device", (r, id) -> r.get("/api/devices/{id}", id).statusCode(),
            "DELETE device", (r, id) -> r.delete("/api/devices/{id}", id).statusCode(),
            "POST reactivate", (r, id) -> r.post("/api/devices/{id}/reactivate", id).statusCode(),
            "GET tags", (r, id) -> r.get("/api/devices/{id}/tags", id).statusCode(),
            "PUT tag", (r, id) -> r.contentType(ContentType.JSON).body(List.of("v"))
                    .put("/api/devices/{id}/tags/app:ext_stranger:x", id).statusCode(),
            "DELETE tag", (r, id) -> r.delete("/api/devices/{id}/tags/claim_code", id).statusCode(),
            "PUT resource", (r, id) -> r.contentType(ContentType.JSON).body(Map.of("value", "1"))
                    .put("/api/devices/{id}/resources/config_io", id).statusCode());

    @Test
    void aForeignUserGets404OnEveryRouteThatTakesAnIdentity() {
        String identity = ownedDevice();
        ROUTES.forEach((name, call) -> org.assertj.core.api.Assertions
                .assertThat(call.status(given().header("Authorization", foreignUser), identity)).as(name).isEqualTo(404));
    }

    @Test
    void aForeignAppGets404OnEveryRouteThatTakesAnIdentity() {
        String identity = ownedDevice();
        ROUTES.forEach((name, call) -> org.assertj.core.api.Assertions
                .assertThat(call.status(given().header("Authorization", foreignApp), identity)).as(name).isEqualTo(404));
    }

    @Test
    void unknownDevicesAre404ForTheOemToo() {
        String identity = newIdentity("ghost");
        ROUTES.forEach((name, call) -> org.assertj.core.api.Assertions
                .assertThat(call.status(given().header("Authorization", oem()), identity)).as(name).isEqualTo(404));
    }

    @Test
    void theOwnerReadsTheirDeviceButMayNotChangeIt() {
        String identity = ownedDevice();
        given().header("Authorization", ownerToken).when().get("/api/devices/{id}", identity).then().statusCode(200)
                .body("identity", equalTo(identity));
        given().header("Authorization", ownerToken).when().get("/api/devices/{id}/tags", identity).then().statusCode(200)
                .body("users", contains(owner.toString()));
        given().header("Authorization", ownerToken).when().delete("/api/devices/{id}", identity).then().statusCode(403);
        given().header("Authorization", ownerToken).when().post("/api/devices/{id}/reactivate", identity).then().statusCode(403);
        given().header("Authorization", ownerToken).contentType(ContentType.JSON).body(List.of(UUID.randomUUID().toString()))
                .when().put("/api/devices/{id}/tags/users", identity).then().statusCode(403);
        given().header("Authorization", ownerToken).contentType(ContentType.JSON).body(Map.of("value", "1"))
                .when().put("/api/devices/{id}/resources/config_io", identity).then().statusCode(403);
    }

    @Test
    void theRoutedAppReadsTheDevice() {
        String identity = ownedDevice();
        given().header("Authorization", appToken).when().get("/api/devices/{id}", identity).then().statusCode(200);
        given().header("Authorization", appToken).when().delete("/api/devices/{id}", identity).then().statusCode(403);
    }

    @Test
    void listsShowEachCallerOnlyWhatItMaySee() {
        String identity = ownedDevice();
        String other = newIdentity("authz-other");
        provision(other);
        given().header("Authorization", ownerToken).when().get("/api/devices").then().statusCode(200)
                .body("items.identity", contains(identity));
        given().header("Authorization", appToken).queryParam("identity", identity).when().get("/api/devices")
                .then().statusCode(200).body("items.identity", contains(identity));
        given().header("Authorization", foreignUser).when().get("/api/devices").then().statusCode(200)
                .body("items", empty());
        given().header("Authorization", foreignApp).when().get("/api/devices").then().statusCode(200)
                .body("items", empty());
        given().header("Authorization", Tokens.bearer(Tokens.expired("oem"))).when().get("/api/devices")
                .then().statusCode(401);
        given().header("Authorization", Tokens.bearer(Tokens.foreign("oem"))).when().get("/api/devices/{id}", identity)
                .then().statusCode(401);
    }
}
