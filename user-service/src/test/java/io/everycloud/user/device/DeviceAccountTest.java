package io.everycloud.user.device;

import static io.everycloud.user.Api.json;
import static io.everycloud.user.Api.oem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.everycloud.events.ClaimEvents;
import io.everycloud.events.Envelope;
import io.everycloud.events.Topics;
import io.everycloud.events.UserEvents;
import io.everycloud.testkit.EventProbe;
import io.everycloud.user.Api;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class DeviceAccountTest {

    @Test
    void theSameAddressAskedTwiceGivesOneAccountAndASetPasswordLink() {
        String email = Api.email("device-owner");
        EventProbe.send(Envelope.of("dev-1", new ClaimEvents.AccountRequested("dev-1", email, Instant.now())));
        EventProbe.send(Envelope.of("dev-2", new ClaimEvents.AccountRequested("dev-2", email.toUpperCase(), Instant.now())));

        List<Envelope> ready = EventProbe.await(Topics.USER_ACCOUNT, e -> e.is(UserEvents.DeviceAccountReady.class)
                && e.data().path("email").asText().equals(email), 2, Duration.ofSeconds(20));
        UserEvents.DeviceAccountReady first = ready.get(0).dataAs(UserEvents.DeviceAccountReady.class);
        UserEvents.DeviceAccountReady second = ready.get(1).dataAs(UserEvents.DeviceAccountReady.class);
        assertThat(first.identity()).isEqualTo("dev-1");
        assertThat(first.newAccount()).isTrue();
        assertThat(first.setupUrl()).startsWith("http://localhost:8080/password-reset?token=");
        assertThat(second.identity()).isEqualTo("dev-2");
        assertThat(second.newAccount()).isFalse();
        assertThat(second.userId()).isEqualTo(first.userId());

        List<Envelope> registered = EventProbe.events(Topics.USER_ACCOUNT,
                e -> e.is(UserEvents.AccountRegistered.class) && e.data().path("email").asText().equals(email));
        assertThat(registered).hasSize(1);
        assertThat(registered.get(0).dataAs(UserEvents.AccountRegistered.class).origin())
                .isEqualTo(UserEvents.ORIGIN_DEVICE_CLAIM);
        oem().queryParam("q", email).get("/api/users").then().body("items.size()", equalTo(1))
                .body("items[0].status", equalTo("pending"));

        // the link sets the first password and makes the account usable
        json().body(Map.of("token", Api.tokenOf(first.setupUrl()), "password", "my device passphrase"))
                .post("/api/password-reset/confirm").then().statusCode(204);
        Api.login(email, "my device passphrase").then().statusCode(200);
    }

    @Test
    void aRedeliveredRequestIsAppliedOnce() {
        String email = Api.email("redelivered");
        Envelope request = Envelope.of("dev-3", new ClaimEvents.AccountRequested("dev-3", email, Instant.now()));
        EventProbe.send(request);
        EventProbe.send(request);
        EventProbe.awaitOne(Topics.USER_ACCOUNT, e -> e.is(UserEvents.DeviceAccountReady.class)
                && e.data().path("email").asText().equals(email), Duration.ofSeconds(20));
        // a later request proves the redelivery was already consumed (the partition is ordered)
        EventProbe.send(Envelope.of("dev-3", new ClaimEvents.AccountRequested("dev-3", "after-" + email, Instant.now())));
        EventProbe.awaitOne(Topics.USER_ACCOUNT, e -> e.is(UserEvents.DeviceAccountReady.class)
                && e.data().path("email").asText().equals("after-" + email), Duration.ofSeconds(20));
        assertThat(EventProbe.events(Topics.USER_ACCOUNT, e -> e.is(UserEvents.DeviceAccountReady.class)
                && e.data().path("email").asText().equals(email))).hasSize(1);
    }

    @Test
    void anExistingAccountIsUsedAsItIs() {
        String email = Api.email("existing");
        java.util.UUID id = Api.activeUser(email);
        EventProbe.send(Envelope.of("dev-4", new ClaimEvents.AccountRequested("dev-4", email, Instant.now())));
        UserEvents.DeviceAccountReady ready = EventProbe.awaitOne(Topics.USER_ACCOUNT,
                e -> e.is(UserEvents.DeviceAccountReady.class) && e.data().path("email").asText().equals(email),
                Duration.ofSeconds(20)).dataAs(UserEvents.DeviceAccountReady.class);
        assertThat(ready.userId()).isEqualTo(id);
        assertThat(ready.newAccount()).isFalse();
        assertThat(ready.setupUrl()).isNull();
        Api.login(email, Api.PASSWORD).then().statusCode(200);
    }
}
