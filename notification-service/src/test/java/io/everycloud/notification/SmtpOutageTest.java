package io.everycloud.notification;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.everycloud.events.Envelope;
import io.everycloud.testkit.EventProbe;
import io.everycloud.testkit.MailSink;
import io.everycloud.testkit.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** SMTP down: emails wait in the delivery log and all go out once when it is back; refused emails fail after the set attempts. */
@QuarkusTest
class SmtpOutageTest {

    static JsonPath log(String to) {
        return given().auth().oauth2(Tokens.oem()).queryParam("to", to).get("/api/notifications").then().statusCode(200)
                .extract().jsonPath();
    }

    @Test
    void emailsQueuedWhileSmtpIsDownAreAllSentOnceWhenItReturns() {
        MailSink mail = EmailTriggersTest.mail();
        List<String> addresses = IntStream.range(0, 5).mapToObj(i -> EmailTriggersTest.newAddress()).toList();
        mail.stopSmtp();
        try {
            for (String address : addresses) {
                UUID user = UUID.randomUUID();
                Envelope signup = EmailTriggersTest.signup(user, address, "outage");
                EventProbe.send(signup);
                EventProbe.send(signup);
            }
            // Every email is in the log, waiting, and the sender has tried and noted why.
            Eventually.until("all five emails queued", () -> addresses.stream().allMatch(a -> log(a).getList("items").size() == 1));
            Eventually.until("an attempt met the outage", () -> addresses.stream()
                    .anyMatch(a -> String.valueOf(log(a).getString("items[0].lastError")).contains("SMTP server unavailable")));
            assertThat(addresses).allSatisfy(a -> assertThat(log(a).getString("items[0].status")).isEqualTo("pending"));
        } finally {
            mail.startSmtp();
        }

        for (String address : addresses) {
            mail.await(m -> m.to().contains(address), Eventually.PATIENCE);
        }
        Eventually.until("all marked sent", () -> addresses.stream().allMatch(a -> "sent".equals(log(a).getString("items[0].status"))));
        assertThat(addresses).allSatisfy(a -> assertThat(mail.messagesTo(a)).hasSize(1));
        assertThat(addresses).allSatisfy(a -> assertThat(log(a).getInt("items[0].attempts")).isEqualTo(1));
    }

    @Test
    void anEmailThatKeepsFailingIsMarkedFailedAfterTheConfiguredAttemptsAndCounted() {
        double before = failedEmails();
        String broken = "not an address " + UUID.randomUUID().toString().substring(0, 6);
        EventProbe.send(EmailTriggersTest.signup(UUID.randomUUID(), broken, "broken"));

        Eventually.until("the email failed", () -> "failed".equals(log(broken).getString("items[0].status")));
        JsonPath row = log(broken);
        assertThat(row.getInt("items[0].attempts")).isEqualTo(3);
        assertThat(row.getString("items[0].lastError")).isNotBlank();
        assertThat(failedEmails()).isGreaterThanOrEqualTo(before + 1);
    }

    static double failedEmails() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("everycloud_notification_failed_total{") && l.contains("kind=\"email\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
