package io.everycloud.registry.device;

import static io.everycloud.registry.Fleet.newIdentity;
import static io.everycloud.registry.Fleet.oem;
import static io.everycloud.registry.Fleet.post;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.everycloud.registry.Fleet;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class ProvisioningTest {

    @Test
    void provisioningOneDeviceDefaultsItsClaimCodeToTheIdentity() {
        String identity = newIdentity("one");
        given().header("Authorization", oem()).contentType(ContentType.JSON).body(Map.of("identity", identity))
                .when().post("/api/devices").then().statusCode(201)
                .body("identity", equalTo(identity))
                .body("status", equalTo("provisioned"))
                .body("createdAt", org.hamcrest.Matchers.notNullValue())
                .body("activatedAt", nullValue())
                .body("tags.claim_code", contains(identity));

        given().header("Authorization", oem()).contentType(ContentType.JSON).body(Map.of("identity", identity))
                .when().post("/api/devices").then().statusCode(409).contentType("application/problem+json");
    }

    @Test
    void provisioningTakesClaimCodeExpiryAndTags() {
        String identity = newIdentity("full");
        given().header("Authorization", oem()).contentType(ContentType.JSON)
                .body(Map.of("identity", identity, "claimCode", "ABC-123", "expires", 1_900_000_000L,
                        "tags", Map.of("region", List.of("eu", "north"))))
                .when().post("/api/devices").then().statusCode(201)
                .body("tags.claim_code", contains("ABC-123"))
                .body("tags.expires", contains("1900000000"))
                .body("tags.region", contains("eu", "north"));
    }

    @Test
    void badProvisioningRequestsNameTheFieldAndCreateNothing() {
        given().header("Authorization", oem()).contentType(ContentType.JSON).body(Map.of("identity", "has space"))
                .when().post("/api/devices").then().statusCode(400)
                .body("errors.field", hasItem("identity"));
        String identity = newIdentity("badtags");
        given().header("Authorization", oem()).contentType(ContentType.JSON)
                .body(Map.of("identity", identity, "tags", Map.of("users", List.of("not-a-uuid"))))
                .when().post("/api/devices").then().statusCode(400)
                .body("errors.field", hasItem("tags.users[0]"));
        given().header("Authorization", oem()).when().get("/api/devices/{id}", identity).then().statusCode(404);
    }

    @Test
    void onlyTheOemProvisions() {
        given().header("Authorization", Fleet.bearerUser()).contentType(ContentType.JSON)
                .body(Map.of("identity", newIdentity("nope")))
                .when().post("/api/devices").then().statusCode(403);
        given().contentType(ContentType.JSON).body(Map.of("identity", newIdentity("nope")))
                .when().post("/api/devices").then().statusCode(401);
    }

    @Test
    void csvImportKeepsGoodLinesAndReportsEachBadLineWithItsNumber() {
        String a = newIdentity("csv");
        String b = newIdentity("csv");
        String existing = newIdentity("csv");
        Fleet.provision(existing);
        String csv = "identity,claim_code,expires\n"
                + a + ",CODE-A,1900000000\n"
                + "bad identity,,\n"
                + b + "\n"
                + existing + ",X,\n"
                + a + ",again,\n"
                + newIdentity("csv") + ",C,tomorrow\n"
                + "a,b,c,d\n";
        given().header("Authorization", oem()).contentType("text/csv").body(csv)
                .when().post("/api/devices/import").then().statusCode(200)
                .body("created", equalTo(2))
                .body("skipped", equalTo(1))
                .body("errors", hasSize(4))
                .body("errors.line", contains(3, 6, 7, 8))
                .body("errors[0].message", containsString("identity"))
                .body("errors[1].message", containsString("twice"))
                .body("errors[2].message", containsString("expires"))
                .body("errors[3].message", containsString("columns"));

        given().header("Authorization", oem()).when().get("/api/devices/{id}", a).then().statusCode(200)
                .body("tags.claim_code", contains("CODE-A")).body("tags.expires", contains("1900000000"));
        given().header("Authorization", oem()).when().get("/api/devices/{id}", b).then().statusCode(200)
                .body("tags.claim_code", contains(b));
    }

    @Test
    void csvImportOfTenThousandDevicesInOneCall() {
        String prefix = newIdentity("bulk");
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            csv.append(prefix).append('-').append(i).append(",code-").append(i).append(",\n");
        }
        given().header("Authorization", oem()).contentType("text/csv").body(csv.toString())
                .when().post("/api/devices/import").then().statusCode(200)
                .body("created", equalTo(10_000)).body("errors", hasSize(0));
        csv.append(prefix).append("-extra,,\n");
        given().header("Authorization", oem()).contentType("text/csv").body(csv.toString())
                .when().post("/api/devices/import").then().statusCode(400)
                .body("errors.field", hasItem("body"));
    }

    @Test
    void deletingADeviceRemovesItAndItsToken() {
        String identity = newIdentity("del");
        String token = Fleet.provisionAndActivate(identity);
        given().header("Authorization", oem()).when().delete("/api/devices/{id}", identity).then().statusCode(204);
        given().header("Authorization", oem()).when().get("/api/devices/{id}", identity).then().statusCode(404);
        assertThat(post("/onep:v1/stack/alias", token, "a=1").statusCode()).isEqualTo(401);
        given().header("Authorization", oem()).when().delete("/api/devices/{id}", identity).then().statusCode(404);
    }

    @Test
    void openProvisioningCreatesAnUnknownDeviceWhenItActivates() {
        try {
            given().header("Authorization", oem()).contentType(ContentType.JSON)
                    .body(Map.of("provisioning", "open")).when().put("/api/product").then().statusCode(200)
                    .body("provisioning", equalTo("open"));
            String identity = newIdentity("open");
            var answer = post("/provision/activate", null, "id=" + identity);
            assertThat(answer.statusCode()).isEqualTo(200);
            given().header("Authorization", oem()).when().get("/api/devices/{id}", identity).then().statusCode(200)
                    .body("status", equalTo("activated")).body("tags.claim_code", contains(identity));
            assertThat(post("/provision/activate", null, "id=" + identity).statusCode()).isEqualTo(409);
            assertThat(post("/provision/activate", null, "id=bad%20identity").statusCode()).isEqualTo(400);
        } finally {
            given().header("Authorization", oem()).contentType(ContentType.JSON)
                    .body(Map.of("provisioning", "whitelist")).when().put("/api/product").then().statusCode(200);
        }
        assertThat(post("/provision/activate", null, "id=" + newIdentity("closed")).statusCode()).isEqualTo(404);
    }

    @Test
    void productSettingsAreOemOnlyAndValidated() {
        given().header("Authorization", oem()).when().get("/api/product").then().statusCode(200)
                .body("provisioning", equalTo("whitelist"));
        given().header("Authorization", oem()).contentType(ContentType.JSON).body(Map.of("provisioning", "sometimes"))
                .when().put("/api/product").then().statusCode(400).body("errors.field", hasItem("provisioning"));
        given().header("Authorization", Fleet.bearerUser()).when().get("/api/product").then().statusCode(403);
        given().header("Authorization", Fleet.bearerApp()).when().get("/api/stats").then().statusCode(403);
    }

    @Test
    void fleetFiguresCountDevicesActivationsOwnersAndFirmwareVersions() {
        String identity = newIdentity("stats");
        String token = Fleet.provisionAndActivate(identity);
        post("/onep:v1/stack/alias", token, "fw_version=9.9.9-stats");
        Fleet.setTag(identity, "users", List.of(java.util.UUID.randomUUID().toString()));
        var stats = given().header("Authorization", oem()).when().get("/api/stats").then().statusCode(200)
                .extract().jsonPath();
        assertThat(stats.getLong("devices")).isGreaterThanOrEqualTo(1);
        assertThat(stats.getLong("activated")).isGreaterThanOrEqualTo(1).isLessThanOrEqualTo(stats.getLong("devices"));
        assertThat(stats.getLong("claimed")).isGreaterThanOrEqualTo(1);
        assertThat(stats.getLong("seenLast24h")).isGreaterThanOrEqualTo(1);
        assertThat(stats.getMap("byFirmwareVersion")).containsEntry("9.9.9-stats", 1);
    }
}
