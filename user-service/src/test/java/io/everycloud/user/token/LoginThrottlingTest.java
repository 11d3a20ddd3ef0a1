package io.everycloud.user.token;

import static io.everycloud.user.Api.PASSWORD;
import static io.everycloud.user.Api.login;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import org.junit.jupiter.api.Test;

import io.everycloud.user.Api;
import io.quarkus.test.junit.QuarkusTest;

/** Guessed passwords are throttled per account (5 in a row) and per client address (20 in 15 minutes). */
@QuarkusTest
class LoginThrottlingTest {

    @Test
    void anAccountLocksAfterFiveWrongPasswordsAndSaysSoOnlyToTheRightPassword() {
        String email = Api.email("locked");
        Api.activeUser(email);
        for (int i = 0; i < 5; i++) {
            login(email, "guess number " + i).then().statusCode(400).body("error", equalTo("invalid_grant"));
        }
        // a guesser learns nothing new: a wrong password still gets the usual answer
        login(email, "guess number 6").then().statusCode(400).body("error", equalTo("invalid_grant"))
                .body("error_description", not(containsString("locked")));
        // the owner, from anywhere, learns why they cannot get in
        login(email, PASSWORD).then().statusCode(429).header("Retry-After", not(equalTo(null)))
                .body("error_description", containsString("locked"));
    }

    @Test
    void anAccountUnderItsLimitIsNotLocked() {
        String email = Api.email("almost");
        Api.activeUser(email);
        for (int i = 0; i < 4; i++) {
            login(email, "guess number " + i).then().statusCode(400);
        }
        login(email, PASSWORD).then().statusCode(200);
        // a success resets the count
        for (int i = 0; i < 4; i++) {
            login(email, "guess number " + i).then().statusCode(400);
        }
        login(email, PASSWORD).then().statusCode(200);
    }

    @Test
    void anAddressGuessingAcrossAccountsIsRefusedWhileOthersAreNot() {
        String email = Api.email("bystander");
        Api.activeUser(email);
        String attacker = Api.address();
        for (int i = 0; i < 20; i++) {
            login(Api.email("target" + i), "guess " + i, attacker).then().statusCode(400);
        }
        login(email, PASSWORD, attacker).then().statusCode(429).header("Retry-After", not(equalTo(null)))
                .body("error", equalTo("temporarily_unavailable"));
        login(email, PASSWORD, Api.address()).then().statusCode(200);
    }
}
