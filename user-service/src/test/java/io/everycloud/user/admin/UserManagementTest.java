package io.everycloud.user.admin;

import static io.everycloud.user.Api.PASSWORD;
import static io.everycloud.user.Api.login;
import static io.everycloud.user.Api.oem;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.everycloud.events.UserEvents;
import io.everycloud.testkit.Tokens;
import io.everycloud.user.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.http.Method;

@QuarkusTest
class UserManagementTest {

    private static String create(String email, String name, String password) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("email", email, "name", name));
        if (password != null) {
            body.put("password", password);
        }
        return oem().contentType(ContentType.JSON).body(body).post("/api/users").then().statusCode(201)
                .extract().path("id");
    }

    @Test
    void operatorsSearchByAddressOrNameFragmentAndStatus() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String alice = create("alice-" + tag + "@example.com", "Alice " + tag, PASSWORD);
        create("bob-" + tag + "@example.com", "Bob Builder", null);
        String carol = create("carol@" + tag + ".example.com", "Carol", PASSWORD);
        oem().post("/api/users/" + carol + "/block").then().statusCode(200).body("status", equalTo("blocked"));

        oem().queryParam("q", tag).get("/api/users").then().statusCode(200)
                .body("items.size()", equalTo(3)).body("nextCursor", nullValue());
        oem().queryParam("q", "ALICE " + tag.toUpperCase()).get("/api/users").then()
                .body("items.id", equalTo(List.of(alice)));
        oem().queryParam("q", tag).queryParam("status", "pending").get("/api/users").then()
                .body("items.email", equalTo(List.of("bob-" + tag + "@example.com")));
        oem().queryParam("q", tag).queryParam("status", "blocked").get("/api/users").then()
                .body("items.id", equalTo(List.of(carol)));
        oem().queryParam("q", tag).queryParam("status", "active").get("/api/users").then()
                .body("items.id", equalTo(List.of(alice)));
        // LIKE wildcards in the fragment are plain characters
        oem().queryParam("q", "%").get("/api/users").then().statusCode(200).body("items.size()", equalTo(0));
    }

    @Test
    void listsArePagedInAddressOrderWithoutGapsOrRepeats() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        List<String> emails = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            emails.add("page" + i + "-" + tag + "@example.com");
            create(emails.get(i), "Paged " + i, null);
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = oem().queryParam("q", tag).queryParam("limit", "2");
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            var page = request.get("/api/users").then().statusCode(200).extract();
            seen.addAll(page.path("items.email"));
            cursor = page.path("nextCursor");
            pages++;
        } while (cursor != null);
        assertThat(seen).isEqualTo(emails);
        assertThat(pages).isEqualTo(3);

        oem().queryParam("limit", "501").get("/api/users").then().statusCode(400).body("errors.field", hasItem("limit"));
        oem().queryParam("limit", "two").get("/api/users").then().statusCode(400).body("errors.field", hasItem("limit"));
        oem().queryParam("cursor", "%%%").get("/api/users").then().statusCode(400).body("errors.field", hasItem("cursor"));
        oem().queryParam("status", "sleeping").get("/api/users").then().statusCode(400).body("errors.field", hasItem("status"));
    }

    @Test
    void operatorsCreateUpdateAndDeleteAccounts() {
        String email = Api.email("managed");
        String id = create(email, "Managed", null);
        UserEvents.AccountRegistered registered = Api.registered(email);
        assertThat(registered.origin()).isEqualTo(UserEvents.ORIGIN_OEM);
        // without a password the owner gets a link to set one
        assertThat(Api.event(UserEvents.PasswordResetRequested.class, email).resetUrl()).contains("/password-reset?token=");

        oem().contentType(ContentType.JSON).body(Map.of("email", email)).post("/api/users").then().statusCode(409);
        oem().contentType(ContentType.JSON).body(Map.of("email", "bad", "role", "king")).post("/api/users").then()
                .statusCode(400).body("errors.field", equalTo(List.of("email", "role")));

        String renamed = Api.email("renamed");
        oem().contentType(ContentType.JSON).body(Map.of("email", renamed, "name", "New Name"))
                .patch("/api/users/" + id).then().statusCode(200)
                .body("email", equalTo(renamed)).body("name", equalTo("New Name"));
        assertThat(Api.event(UserEvents.AccountUpdated.class, renamed).name()).isEqualTo("New Name");
        oem().contentType(ContentType.JSON).body("{\"name\": null}").patch("/api/users/" + id).then()
                .statusCode(200).body("name", nullValue()).body("email", equalTo(renamed));

        oem().contentType(ContentType.JSON).body(Map.of("password", "an operator's choice"))
                .put("/api/users/" + id + "/password").then().statusCode(204);
        login(renamed, "an operator's choice").then().statusCode(200);

        oem().delete("/api/users/" + id).then().statusCode(204);
        oem().get("/api/users/" + id).then().statusCode(404);
        login(renamed, "an operator's choice").then().statusCode(400).body("error", equalTo("invalid_grant"));
        oem().delete("/api/users/" + id).then().statusCode(404);
        oem().get("/api/users/not-a-uuid").then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void blockingEndsSignInAndUnblockingRestoresIt() {
        String email = Api.email("blocked");
        UUID id = Api.activeUser(email);
        String refreshToken = login(email, PASSWORD).then().statusCode(200).extract().path("refresh_token");

        oem().post("/api/users/" + id + "/block").then().statusCode(200).body("status", equalTo("blocked"));
        assertThat(Api.event(UserEvents.AccountBlocked.class, id).blockedAt()).isNotNull();
        Api.refresh(refreshToken).then().statusCode(400).body("error", equalTo("invalid_grant"));
        login(email, PASSWORD).then().statusCode(400).body("error_description", containsString("blocked"));

        oem().post("/api/users/" + id + "/unblock").then().statusCode(200).body("status", equalTo("active"));
        assertThat(Api.event(UserEvents.AccountUnblocked.class, id).unblockedAt()).isNotNull();
        login(email, PASSWORD).then().statusCode(200);
        // the refresh token died with the block; unblocking does not revive it
        Api.refresh(refreshToken).then().statusCode(400);
    }

    @Test
    void operatorsCannotBlockOrDeleteThemselves() {
        String email = Api.email("operator");
        String id = oem().contentType(ContentType.JSON).body(Map.of("email", email, "password", PASSWORD, "role", "oem"))
                .post("/api/users").then().statusCode(201).body("role", equalTo("oem")).extract().path("id");
        String self = Tokens.bearer(io.everycloud.testkit.TestInfrastructure.issuer().token(id, email, "oem"));
        given().header("Authorization", self).post("/api/users/" + id + "/block").then().statusCode(409);
        given().header("Authorization", self).delete("/api/users/" + id).then().statusCode(409);
    }

    @Test
    void everyOperatorRouteIsRefusedToUsersAndApps() {
        String someone = UUID.randomUUID().toString();
        List<Object[]> routes = List.of(
                new Object[] { Method.GET, "/api/users" },
                new Object[] { Method.POST, "/api/users" },
                new Object[] { Method.GET, "/api/users/" + someone },
                new Object[] { Method.PATCH, "/api/users/" + someone },
                new Object[] { Method.DELETE, "/api/users/" + someone },
                new Object[] { Method.POST, "/api/users/" + someone + "/block" },
                new Object[] { Method.POST, "/api/users/" + someone + "/unblock" },
                new Object[] { Method.PUT, "/api/users/" + someone + "/password" },
                new Object[] { Method.GET, "/api/users/" + someone + "/data" },
                new Object[] { Method.PUT, "/api/users/" + someone + "/data/app_x" },
                new Object[] { Method.DELETE, "/api/users/" + someone + "/data/app_x" },
                new Object[] { Method.POST, "/api/clients" },
                new Object[] { Method.GET, "/api/clients" },
                new Object[] { Method.GET, "/api/clients/ext_1" },
                new Object[] { Method.DELETE, "/api/clients/ext_1" });
        String user = Tokens.bearer(Tokens.user(UUID.randomUUID()));
        String app = Tokens.bearer(Tokens.app("ext_123"));
        for (Object[] route : routes) {
            for (String bearer : List.of(user, app)) {
                given().header("Authorization", bearer).contentType(ContentType.JSON).body("{}")
                        .request((Method) route[0], (String) route[1]).then()
                        .statusCode(403).contentType("application/problem+json");
            }
            given().contentType(ContentType.JSON).body("{}").request((Method) route[0], (String) route[1]).then()
                    .statusCode(401);
            given().header("Authorization", Tokens.bearer(Tokens.foreign("oem"))).contentType(ContentType.JSON)
                    .body("{}").request((Method) route[0], (String) route[1]).then().statusCode(401);
        }
    }
}
