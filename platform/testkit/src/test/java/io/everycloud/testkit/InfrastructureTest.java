package io.everycloud.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import io.everycloud.events.Envelope;
import io.everycloud.events.RegistryEvents;
import io.everycloud.events.Topics;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

class InfrastructureTest {

    @Test
    void eachServiceGetsAFreshDatabaseOnTheSharedServer() throws Exception {
        Postgres postgres = TestInfrastructure.postgres();
        String a = postgres.createDatabase("svc");
        String b = postgres.createDatabase("svc");

        assertThat(a).isNotEqualTo(b);
        try (var connection = DriverManager.getConnection(postgres.jdbcUrl(a), "postgres", "postgres")) {
            var rs = connection.createStatement().executeQuery("select current_database(), version()");
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(a);
            assertThat(rs.getString(2)).startsWith("PostgreSQL 17");
        }
    }

    @Test
    void aServiceDatabaseAndRoleMayBeNamedWithAReservedWord() throws Exception {
        Postgres postgres = TestInfrastructure.postgres();
        postgres.createDatabase("user", "user", "secret");
        postgres.createDatabase("user", "user", "secret");

        try (var connection = DriverManager.getConnection(postgres.jdbcUrl("user"), "user", "secret")) {
            var rs = connection.createStatement().executeQuery("select current_user");
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("user");
        }
    }

    @Test
    void eventsSurviveABrokerRestartOnTheSamePort() {
        KafkaBroker kafka = TestInfrastructure.kafka();
        Envelope before = Envelope.of("dev-1", new RegistryEvents.DeviceDeleted("dev-1", Instant.now()));
        EventProbe.send(before);

        kafka.stop();
        assertThat(Ports.isOpen(kafka.port())).isFalse();
        kafka.start();

        Envelope after = Envelope.of("dev-2", new RegistryEvents.DeviceDeleted("dev-2", Instant.now()));
        EventProbe.send(after);
        assertThat(EventProbe.events(Topics.REGISTRY_DEVICE, e -> true))
                .extracting(Envelope::id).contains(before.id(), after.id());
    }

    @Test
    void theMailSinkShowsWhatItReceivedOverHttp() throws Exception {
        try (MailSink sink = new MailSink(0, 0).start()) {
            send(sink.smtpPort(), "ann@example.com", "Welcome");

            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + sink.httpPort() + "/messages")).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\"subject\":\"Welcome\"").contains("ann@example.com");
            assertThat(sink.await(m -> m.subject().equals("Welcome"), Duration.ofSeconds(5)).text()).contains("Hello");
        }
    }

    @Test
    void aSecondEmailToAnEarlierRecipientIsShownToo() throws Exception {
        try (MailSink sink = new MailSink(0, -1).start()) {
            send(sink.smtpPort(), "first@example.com", "one");
            send(sink.smtpPort(), "second@example.com", "two");
            assertThat(sink.messages()).hasSize(2);

            send(sink.smtpPort(), "first@example.com", "three");

            assertThat(sink.messages()).extracting(MailSink.ReceivedMail::subject).containsExactly("one", "two", "three");
            assertThat(sink.messagesTo("first@example.com")).hasSize(2);
        }
    }

    @Test
    void theIssuerPublishesItsKeys() throws Exception {
        TestIssuer issuer = TestInfrastructure.issuer();
        HttpResponse<String> jwks = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(issuer.url() + "/oauth/jwks")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(jwks.body()).contains("\"kty\":\"RSA\"");
        assertThat(Tokens.oem().split("\\.")).hasSize(3);
    }

    private static void send(int port, String to, String subject) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", Integer.toString(port));
        MimeMessage message = new MimeMessage(Session.getInstance(props));
        message.setFrom(new InternetAddress("noreply@everycloud.test"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        message.setSubject(subject);
        message.setText("Hello there");
        Transport.send(message);
    }
}
