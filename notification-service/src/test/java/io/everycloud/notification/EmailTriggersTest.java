package io.everycloud.notification;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.everycloud.events.ClaimEvents;
import io.everycloud.events.Envelope;
import io.everycloud.events.FirmwareEvents;
import io.everycloud.events.UserEvents;
import io.everycloud.testkit.EventProbe;
import io.everycloud.testkit.MailSink;
import io.everycloud.testkit.TestInfrastructure;
import io.everycloud.testkit.Tokens;
import io.quarkus.test.junit.QuarkusTest;

/** Each trigger event makes exactly one email, to the right person, with the right subject and link. */
@QuarkusTest
class EmailTriggersTest {

    static final String PUBLIC_URL = "http://localhost:8080";
    static final Duration WAIT = Eventually.PATIENCE;

    static String newAddress() {
        return "u" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    }

    static Envelope signup(UUID user, String email, String token) {
        return Envelope.of(user.toString(), new UserEvents.AccountRegistered(user, email, "Ann Example", UserEvents.ORIGIN_SIGNUP,
                "pending", PUBLIC_URL + "/verify?token=" + token, Instant.now().plusSeconds(86400), Instant.now()));
    }

    static Envelope reset(UUID user, String email, String token) {
        return Envelope.of(user.toString(), new UserEvents.PasswordResetRequested(user, email,
                PUBLIC_URL + "/password-reset?token=" + token, Instant.now().plusSeconds(3600)));
    }

    static MailSink mail() {
        return TestInfrastructure.mail();
    }

    @Test
    void signUpSendsOneVerificationEmailEvenWhenTheEventIsDeliveredTwice() {
        UUID user = UUID.randomUUID();
        String email = newAddress();
        Envelope registered = signup(user, email, "tok-" + user);
        EventProbe.send(registered);
        EventProbe.send(registered);
        // A later event of the same user (same partition, same order) shows the duplicate was handled before it.
        EventProbe.send(reset(user, email, "marker"));

        mail().await(m -> m.to().contains(email) && m.subject().startsWith("Reset"), WAIT);
        List<MailSink.ReceivedMail> signups = mail().messagesTo(email).stream()
                .filter(m -> m.subject().startsWith("Confirm")).toList();
        assertThat(signups).hasSize(1);
        MailSink.ReceivedMail welcome = signups.get(0);
        assertThat(welcome.subject()).isEqualTo("Confirm your Exosite account");
        assertThat(welcome.html()).contains("href=\"" + PUBLIC_URL + "/verify?token=tok-" + user + "\"")
                .contains("Ann Example");
        assertThat(welcome.text()).contains(PUBLIC_URL + "/verify?token=tok-" + user);
        assertThat(welcome.from()).isEqualTo("no-reply@everycloud.local");

        given().auth().oauth2(Tokens.oem()).queryParam("to", email).queryParam("type", "signup")
                .when().get("/api/notifications").then().statusCode(200)
                .body("items.size()", org.hamcrest.Matchers.is(1))
                .body("items[0].status", org.hamcrest.Matchers.is("sent"))
                .body("items[0].eventId", org.hamcrest.Matchers.is(registered.id().toString()));
    }

    @Test
    void aDeviceAskedAccountGetsTheWelcomeWithTheSetPasswordLinkAndTheDevice() {
        UUID user = UUID.randomUUID();
        String email = newAddress();
        EventProbe.send(Envelope.of(user.toString(), new UserEvents.DeviceAccountReady(user, email, "gw-0042", true,
                PUBLIC_URL + "/password-reset?token=setup-" + user, Instant.now().plusSeconds(86400))));

        MailSink.ReceivedMail welcome = mail().await(m -> m.to().contains(email), WAIT);
        assertThat(welcome.subject()).isEqualTo("Your device gw-0042 is ready");
        assertThat(welcome.html()).contains("gw-0042").contains(PUBLIC_URL + "/password-reset?token=setup-" + user);
    }

    @Test
    void anExistingAccountsDeviceWelcomeHasNoSetPasswordLink() {
        UUID user = UUID.randomUUID();
        String email = newAddress();
        EventProbe.send(Envelope.of(user.toString(), new UserEvents.DeviceAccountReady(user, email, "gw-0043", false,
                PUBLIC_URL + "/password-reset?token=must-not-show", null)));

        MailSink.ReceivedMail welcome = mail().await(m -> m.to().contains(email), WAIT);
        assertThat(welcome.subject()).isEqualTo("Your device gw-0043 is ready");
        assertThat(welcome.html()).contains("gw-0043").contains("Sign in at").doesNotContain("must-not-show");
        assertThat(welcome.text()).contains("Sign in at " + PUBLIC_URL).doesNotContain("must-not-show");
    }

    @Test
    void aPasswordResetSendsTheResetLink() {
        UUID user = UUID.randomUUID();
        String email = newAddress();
        EventProbe.send(reset(user, email, "reset-" + user));

        MailSink.ReceivedMail reset = mail().await(m -> m.to().contains(email), WAIT);
        assertThat(reset.subject()).isEqualTo("Reset your Exosite password");
        assertThat(reset.html()).contains("href=\"" + PUBLIC_URL + "/password-reset?token=reset-" + user + "\"");
    }

    @Test
    void aLinkOutsideThePublicUrlIsNeverSent() {
        UUID user = UUID.randomUUID();
        String email = newAddress();
        Envelope phishing = Envelope.of(user.toString(), new UserEvents.PasswordResetRequested(user, email,
                "https://evil.example.net/password-reset?token=x", Instant.now().plusSeconds(3600)));
        EventProbe.send(phishing);
        EventProbe.send(reset(user, email, "marker"));

        mail().await(m -> m.to().contains(email), WAIT);
        assertThat(mail().messagesTo(email)).hasSize(1).allMatch(m -> !m.html().contains("evil.example.net"));
        given().auth().oauth2(Tokens.oem()).queryParam("to", email).queryParam("status", "failed")
                .when().get("/api/notifications").then().statusCode(200)
                .body("items.size()", org.hamcrest.Matchers.is(1))
                .body("items[0].lastError", org.hamcrest.Matchers.containsString("public URL"));
    }

    @Test
    void blockedAndDeletedUsersGetNoEmail() {
        UUID user = UUID.randomUUID();
        String email = newAddress();
        EventProbe.send(signup(user, email, "first"));
        mail().await(m -> m.to().contains(email), WAIT);
        EventProbe.send(Envelope.of(user.toString(), new UserEvents.AccountBlocked(user, Instant.now())));
        EventProbe.send(reset(user, email, "while-blocked"));
        EventProbe.send(Envelope.of(user.toString(), new UserEvents.AccountUnblocked(user, Instant.now())));
        EventProbe.send(reset(user, email, "after-unblock"));

        mail().await(m -> m.to().contains(email) && m.html().contains("after-unblock"), WAIT);
        assertThat(mail().messagesTo(email)).noneMatch(m -> m.html().contains("while-blocked")).hasSize(2);

        EventProbe.send(Envelope.of(user.toString(), new UserEvents.AccountDeleted(user, Instant.now())));
        Envelope afterDeletion = reset(user, email, "after-deletion");
        EventProbe.send(afterDeletion);
        Eventually.applied(afterDeletion.id());
        assertThat(mail().messagesTo(email)).hasSize(2);
    }

    @Test
    void aNewPackageSendsEachOwnerOneEmailListingTheirDevices() {
        UUID ann = UUID.randomUUID();
        UUID bob = UUID.randomUUID();
        String annEmail = newAddress();
        String bobEmail = newAddress();
        String prefix = "fw-" + ann.toString().substring(0, 6);
        for (UUID u : List.of(ann, bob)) {
            Envelope registered = Envelope.of(u.toString(), new UserEvents.AccountRegistered(u, u == ann ? annEmail : bobEmail,
                    null, UserEvents.ORIGIN_OEM, "active", null, null, Instant.now()));
            EventProbe.send(registered);
            Eventually.applied(registered.id());
        }
        List<Envelope> claims = List.of(
                Envelope.of(prefix + "-a1", new ClaimEvents.OwnershipClaimed(prefix + "-a1", ann, List.of(), ClaimEvents.BY_CODE, Instant.now())),
                Envelope.of(prefix + "-a2", new ClaimEvents.OwnershipClaimed(prefix + "-a2", ann, List.of(), ClaimEvents.BY_CODE, Instant.now())),
                Envelope.of(prefix + "-b1", new ClaimEvents.OwnershipClaimed(prefix + "-b1", ann, List.of(), ClaimEvents.BY_CODE, Instant.now())),
                Envelope.of(prefix + "-b1", new ClaimEvents.OwnershipTransferred(prefix + "-b1", ann, bob, List.of(), Instant.now())));
        claims.forEach(EventProbe::send);
        claims.forEach(c -> Eventually.applied(c.id()));

        UUID packageId = UUID.randomUUID();
        Envelope published = Envelope.of(packageId.toString(), new FirmwareEvents.PackagePublished(packageId, "9.8.7", "otau-987",
                "Faster boot", "URL_LIST", "ab", 10, Instant.now()));
        EventProbe.send(published);
        EventProbe.send(published);

        MailSink.ReceivedMail annMail = mail().await(m -> m.to().contains(annEmail), WAIT);
        MailSink.ReceivedMail bobMail = mail().await(m -> m.to().contains(bobEmail), WAIT);
        assertThat(annMail.subject()).isEqualTo("Firmware 9.8.7 is available for your devices");
        assertThat(annMail.html()).contains(prefix + "-a1", prefix + "-a2").doesNotContain(prefix + "-b1");
        assertThat(bobMail.html()).contains(prefix + "-b1").doesNotContain(prefix + "-a1");
        // Both copies of the event are applied once only.
        Envelope marker = Envelope.of(packageId.toString(), new FirmwareEvents.PackageDeleted(packageId, "9.8.7", Instant.now()));
        EventProbe.send(marker);
        Eventually.applied(marker.id());
        Eventually.until("the delivery log settles", () -> given().auth().oauth2(Tokens.oem()).queryParam("to", annEmail)
                .queryParam("status", "pending").get("/api/notifications").then().extract().path("items.size()").equals(0));
        assertThat(mail().messagesTo(annEmail)).hasSize(1);
        assertThat(mail().messagesTo(bobEmail)).hasSize(1);
    }

    @Test
    void aFinishedUpdateEmailsTheOwnerOnlyOnceTheOemEnabledThatEmail() {
        UUID owner = UUID.randomUUID();
        String email = newAddress();
        Envelope registered = Envelope.of(owner.toString(), new UserEvents.AccountRegistered(owner, email, "Olga", UserEvents.ORIGIN_OEM,
                "active", null, null, Instant.now()));
        EventProbe.send(registered);
        Eventually.applied(registered.id());
        String device = "upd-" + owner.toString().substring(0, 8);
        Envelope whileDisabled = Envelope.of(device, new FirmwareEvents.UpdateStateChanged(device, UUID.randomUUID(), "2.0.0",
                "INSTALL_SUCCESS", null, owner, true, Instant.now()));
        EventProbe.send(whileDisabled);
        Eventually.applied(whileDisabled.id());

        String template = given().auth().oauth2(Tokens.oem()).get("/api/templates/firmware-update-result").then().statusCode(200)
                .extract().asString();
        assertThat(template).contains("\"enabled\":false");
        try {
            given().auth().oauth2(Tokens.oem()).contentType("application/json")
                    .body(java.util.Map.of("subject", "{identity}: {state}", "html", "<p>{identity} {version} {state}</p>", "enabled", true))
                    .put("/api/templates/firmware-update-result").then().statusCode(200);
            EventProbe.send(Envelope.of(device, new FirmwareEvents.UpdateStateChanged(device, UUID.randomUUID(), "2.0.1",
                    "DOWNLOAD", null, owner, false, Instant.now())));
            EventProbe.send(Envelope.of(device, new FirmwareEvents.UpdateStateChanged(device, UUID.randomUUID(), "2.0.1",
                    "INSTALL_ERROR", "flash full", owner, true, Instant.now())));

            MailSink.ReceivedMail result = mail().await(m -> m.to().contains(email), WAIT);
            assertThat(result.subject()).isEqualTo(device + ": INSTALL_ERROR");
            assertThat(mail().messagesTo(email)).hasSize(1);
        } finally {
            given().auth().oauth2(Tokens.oem()).delete("/api/templates/firmware-update-result").then().statusCode(200);
        }
    }

    @Test
    void anAskOwnersOfferEmailsEachOwnerOfTheDeviceOnce() {
        UUID ann = UUID.randomUUID();
        UUID bob = UUID.randomUUID();
        String annEmail = newAddress();
        String bobEmail = newAddress();
        for (Envelope registered : List.of(
                Envelope.of(ann.toString(), new UserEvents.AccountRegistered(ann, annEmail, "Ann Offer", UserEvents.ORIGIN_OEM,
                        "active", null, null, Instant.now())),
                Envelope.of(bob.toString(), new UserEvents.AccountRegistered(bob, bobEmail, "Bob Offer", UserEvents.ORIGIN_OEM,
                        "active", null, null, Instant.now())))) {
            EventProbe.send(registered);
            Eventually.applied(registered.id());
        }
        String device = "offer-" + ann.toString().substring(0, 8);
        Envelope offered = Envelope.of(device, new FirmwareEvents.UpdateOffered(device, UUID.randomUUID(), "3.1.4", "otau-314",
                "Longer battery life", List.of(ann, bob), Instant.now()));
        EventProbe.send(offered);
        EventProbe.send(offered);

        MailSink.ReceivedMail annMail = mail().await(m -> m.to().contains(annEmail), WAIT);
        MailSink.ReceivedMail bobMail = mail().await(m -> m.to().contains(bobEmail), WAIT);
        assertThat(annMail.subject()).isEqualTo("Firmware 3.1.4 is offered for your device " + device);
        assertThat(annMail.html()).contains("Ann Offer", device, "3.1.4", "otau-314", "Longer battery life",
                "href=\"" + PUBLIC_URL + "/devices\"");
        assertThat(annMail.text()).contains("decline", PUBLIC_URL + "/devices");
        assertThat(bobMail.html()).contains("Bob Offer", device);
        // the event came twice; a later event of the same device shows the duplicate was handled before it
        Envelope marker = Envelope.of(device, new FirmwareEvents.UpdateStateChanged(device, UUID.randomUUID(), "3.1.4",
                "REQUESTED", null, ann, false, Instant.now()));
        EventProbe.send(marker);
        Eventually.applied(marker.id());
        Eventually.until("the delivery log settles", () -> given().auth().oauth2(Tokens.oem()).queryParam("to", annEmail)
                .queryParam("status", "pending").get("/api/notifications").then().extract().path("items.size()").equals(0));
        assertThat(mail().messagesTo(annEmail)).hasSize(1);
        given().auth().oauth2(Tokens.oem()).queryParam("to", bobEmail).queryParam("type", "firmware-offer")
                .get("/api/notifications").then().statusCode(200)
                .body("items.size()", org.hamcrest.Matchers.is(1))
                .body("items[0].eventId", org.hamcrest.Matchers.is(offered.id().toString()));
    }
}
