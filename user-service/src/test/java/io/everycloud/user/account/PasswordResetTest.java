package io.everycloud.user.account;

import static io.everycloud.user.Api.PASSWORD;
import static io.everycloud.user.Api.json;
import static io.everycloud.user.Api.login;
import static io.everycloud.user.Api.tokenOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.everycloud.events.Topics;
import io.everycloud.events.UserEvents;
import io.everycloud.testkit.EventProbe;
import io.everycloud.user.Api;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class PasswordResetTest {

    @Test
    void resetAnswersTheSameWhetherOrNotTheAddressHasAnAccount() {
        String known = Api.email("known");
        Api.activeUser(known);
        String unknown = Api.email("nobody");

        var forKnown = json().body(Map.of("email", known)).post("/api/password-reset");
        var forUnknown = json().body(Map.of("email", unknown)).post("/api/password-reset");
        assertThat(forKnown.statusCode()).isEqualTo(202);
        assertThat(forUnknown.statusCode()).isEqualTo(202);
        assertThat(forKnown.body().asString()).isEqualTo(forUnknown.body().asString());

        assertThat(Api.event(UserEvents.PasswordResetRequested.class, known).resetUrl())
                .startsWith("http://localhost:8080/password-reset?token=");
        assertThat(EventProbe.events(Topics.USER_ACCOUNT, e -> e.data().path("email").asText().equals(unknown))).isEmpty();
    }

    @Test
    void theResetLinkSetsANewPasswordOnceAndEndsTheOldSessions() {
        String email = Api.email("reset");
        Api.activeUser(email);
        String refreshToken = login(email, PASSWORD).then().statusCode(200).extract().path("refresh_token");
        json().body(Map.of("email", email)).post("/api/password-reset").then().statusCode(202);
        String token = tokenOf(Api.event(UserEvents.PasswordResetRequested.class, email).resetUrl());

        // a password that breaks the rules is refused and the link still works afterwards
        json().body(Map.of("token", token, "password", "1234567890")).post("/api/password-reset/confirm").then()
                .statusCode(400).body("errors.field", hasItem("password"));
        json().body(Map.of("token", token, "password", "a brand new passphrase")).post("/api/password-reset/confirm")
                .then().statusCode(204);

        login(email, PASSWORD).then().statusCode(400).body("error", equalTo("invalid_grant"));
        login(email, "a brand new passphrase").then().statusCode(200);
        Api.refresh(refreshToken).then().statusCode(400).body("error", equalTo("invalid_grant"));
        json().body(Map.of("token", token, "password", "yet another passphrase")).post("/api/password-reset/confirm")
                .then().statusCode(410).body("detail", containsString("already used"));
    }

    @Test
    void aResetOfAMalformedAddressNamesTheField() {
        json().body(Map.of("email", "nope")).post("/api/password-reset").then().statusCode(400)
                .body("errors.field", hasItem("email"));
    }

    @Test
    void usersChangeTheirOwnPasswordProvingTheCurrentOne() {
        String email = Api.email("change");
        java.util.UUID id = Api.activeUser(email);
        String bearer = io.everycloud.testkit.Tokens.bearer(io.everycloud.testkit.Tokens.user(id, email));
        json().header("Authorization", bearer)
                .body(Map.of("currentPassword", "wrong password!", "newPassword", "my new passphrase"))
                .put("/api/me/password").then().statusCode(400).body("errors.field", hasItem("currentPassword"));
        json().header("Authorization", bearer)
                .body(Map.of("currentPassword", PASSWORD, "newPassword", "short"))
                .put("/api/me/password").then().statusCode(400).body("errors.field", hasItem("newPassword"));
        json().header("Authorization", bearer)
                .body(Map.of("currentPassword", PASSWORD, "newPassword", "my new passphrase"))
                .put("/api/me/password").then().statusCode(204);
        login(email, "my new passphrase").then().statusCode(200);
        login(email, PASSWORD).then().statusCode(400);
    }
}
