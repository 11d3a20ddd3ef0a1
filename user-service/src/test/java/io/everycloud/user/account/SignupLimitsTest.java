package io.everycloud.user.account;

import static io.everycloud.user.Api.PASSWORD;
import static io.everycloud.user.Api.signup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.everycloud.events.Envelope;
import io.everycloud.events.Topics;
import io.everycloud.events.UserEvents;
import io.everycloud.testkit.EventProbe;
import io.everycloud.user.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** Sign-ups of one address: concurrent ones make one account, and an address gets at most 3 sign-up e-mails an hour. */
@QuarkusTest
class SignupLimitsTest {

    @Test
    void concurrentSignUpsOfANewAddressMakeOneAccountAndNoServerError() throws Exception {
        String email = Api.email("race");
        int parallel = 6;
        CyclicBarrier start = new CyclicBarrier(parallel);
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        List<Integer> statuses = new ArrayList<>();
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < parallel; i++) {
                answers.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    return signup(email, PASSWORD).statusCode();
                }));
            }
            for (Future<Integer> answer : answers) {
                statuses.add(answer.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        // one account (its verification e-mail) and two reset links make the address's three e-mails of the hour
        assertThat(statuses).as("statuses of %d parallel sign-ups", parallel)
                .containsOnly(201, 429).filteredOn(s -> s == 201).hasSize(3);
        List<Envelope> registered = EventProbe.await(Topics.USER_ACCOUNT,
                e -> e.is(UserEvents.AccountRegistered.class) && email.equals(e.data().path("email").asText()), 1, Api.EVENT_WAIT);
        List<Envelope> resets = EventProbe.await(Topics.USER_ACCOUNT,
                e -> e.is(UserEvents.PasswordResetRequested.class) && email.equals(e.data().path("email").asText()), 2, Api.EVENT_WAIT);
        assertThat(registered).as("one account").hasSize(1);
        assertThat(resets).hasSize(2);
    }

    @Test
    void aFourthSignUpOfOneAddressWithinTheHourIsRefusedWithRetryAfter() {
        String email = Api.email("limit");
        for (int i = 0; i < 3; i++) {
            signup(email, PASSWORD).then().statusCode(201).body("status", equalTo("pending"));
        }
        Response refused = signup(email.toUpperCase(java.util.Locale.ROOT), PASSWORD);
        refused.then().statusCode(429)
                .contentType("application/problem+json")
                .body("status", equalTo(429))
                .body("detail", containsString("retry in"));
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertThat(retryAfter).as("seconds until the oldest of the three e-mails is an hour old")
                .isPositive().isLessThanOrEqualTo(Duration.ofHours(1).toSeconds());

        // only that address is limited
        signup(Api.email("other"), PASSWORD).then().statusCode(201);
        // the limit is the same for an address with an account: its first sign-up sent the verification link
        String known = Api.email("known");
        Api.activeUser(known);
        signup(known, "another long password").then().statusCode(201);
        signup(known, "another long password").then().statusCode(201);
        signup(known, "another long password").then().statusCode(429).header("Retry-After", org.hamcrest.Matchers.notNullValue());
    }
}
