package io.everycloud.notification;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.everycloud.events.Envelope;
import io.everycloud.events.PortalEvents;
import io.everycloud.testkit.EventProbe;
import io.everycloud.testkit.MailSink;
import io.everycloud.testkit.Tokens;
import io.quarkus.test.junit.QuarkusTest;

/** The oem edits templates and globals; the next email shows the edit; broken templates are refused with their line. */
@QuarkusTest
class TemplateEditingTest {

    @AfterEach
    void restoreDefaults() {
        given().auth().oauth2(Tokens.oem()).delete("/api/templates/signup").then().statusCode(200);
        given().auth().oauth2(Tokens.oem()).contentType("application/json").body(Map.of("globals", Map.of()))
                .put("/api/templates/globals").then().statusCode(200);
    }

    @Test
    void theOemSeesEveryTypeWithItsVariables() {
        given().auth().oauth2(Tokens.oem()).get("/api/templates").then().statusCode(200)
                .body("items.type", hasItems("signup", "device-claim-welcome", "password-reset", "firmware-available",
                        "firmware-offer", "firmware-update-result"))
                .body("nextCursor", is((Object) null));
        given().auth().oauth2(Tokens.oem()).get("/api/templates/signup").then().statusCode(200)
                .body("subject", is("Confirm your {companyName} account"))
                .body("customized", is(false))
                .body("dataVariables", hasItems("email", "name", "verificationUrl", "expiresAt"))
                .body("brandingVariables", hasItems("logoUrl", "primaryColor", "companyName"));
    }

    @Test
    void templatesAreForTheOemOnly() {
        given().get("/api/templates").then().statusCode(401).contentType("application/problem+json");
        given().auth().oauth2(Tokens.user(UUID.randomUUID())).get("/api/templates/signup").then().statusCode(403);
        given().auth().oauth2(Tokens.app("ext_abc")).contentType("application/json").body(Map.of("subject", "x", "html", "x"))
                .put("/api/templates/signup").then().statusCode(403);
        given().auth().oauth2(Tokens.oem()).get("/api/templates/no-such-type").then().statusCode(404)
                .body("detail", containsString("signup"));
    }

    @Test
    void anEditedTemplateWithSeedPlaceholdersAndGlobalsShapesTheNextEmail() {
        given().auth().oauth2(Tokens.oem()).contentType("application/json")
                .body(Map.of("globals", Map.of("<%%SUPPORT%%>", "support@acme.example", "SIGNATURE", "The {companyName} team")))
                .put("/api/templates/globals").then().statusCode(200)
                .body("globals.SUPPORT", is("support@acme.example"));
        given().auth().oauth2(Tokens.oem()).contentType("application/json").body(Map.of(
                "subject", "Welcome aboard, <%name%>",
                "html", "<h1><%GREETING%></h1>\n<p><a href=\"<%verificationUrl%>\">Verify</a></p>\n<p><%SIGNATURE%> · <%SUPPORT%></p>",
                "text", "<%GREETING%> <%verificationUrl%>",
                "variables", Map.of("<%%GREETING%%>", "Hello <%name%> from <%SIGNATURE%>")))
                .put("/api/templates/signup").then().statusCode(200)
                .body("customized", is(true))
                .body("variables.GREETING", is("Hello <%name%> from <%SIGNATURE%>"));

        UUID user = UUID.randomUUID();
        String email = EmailTriggersTest.newAddress();
        EventProbe.send(EmailTriggersTest.signup(user, email, "edited"));
        MailSink.ReceivedMail mail = EmailTriggersTest.mail().await(m -> m.to().contains(email), EmailTriggersTest.WAIT);

        assertThat(mail.subject()).isEqualTo("Welcome aboard, Ann Example");
        assertThat(mail.html()).contains("<h1>Hello Ann Example from The Exosite team</h1>")
                .contains("href=\"http://localhost:8080/verify?token=edited\"")
                .contains("support@acme.example");
        assertThat(mail.text()).contains("Hello Ann Example from The Exosite team http://localhost:8080/verify?token=edited");
    }

    @Test
    void aTemplateThatDoesNotParseIsRefusedWithTheLineAndNothingIsStored() {
        given().auth().oauth2(Tokens.oem()).contentType("application/json").body(Map.of(
                "subject", "Hi", "html", "<p>line one</p>\n<p>line two</p>\n{#if name}<p>never closed</p>"))
                .put("/api/templates/signup").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", is("html"))
                .body("errors[0].message", startsWith("line 3"));
        given().auth().oauth2(Tokens.oem()).get("/api/templates/signup").then().body("customized", is(false));
    }

    @Test
    void aTemplateNamingAnUnknownVariableIsRefusedWithTheLine() {
        given().auth().oauth2(Tokens.oem()).contentType("application/json").body(Map.of(
                "subject", "Hi {name}", "html", "<p>ok</p>\n<p>{verificationLink}</p>", "text", "ok\n\n<%resetUrl%>"))
                .put("/api/templates/signup").then().statusCode(400)
                .body("errors.field", hasItems("html", "text"))
                .body("errors.find { it.field == 'text' }.message", is("line 3: unknown variable 'resetUrl'"))
                .body("errors.find { it.field == 'html' }.message", is("line 2: unknown variable 'verificationLink'"));
        given().auth().oauth2(Tokens.oem()).contentType("application/json").body(Map.of(
                "subject", "Hi {name}", "html", "<p>{config:quarkus.datasource.password}</p>"))
                .put("/api/templates/signup").then().statusCode(400)
                .body("errors[0].message", containsString("namespace"));
    }

    @Test
    void aGlobalATemplateUsesCannotBeRemoved() {
        given().auth().oauth2(Tokens.oem()).contentType("application/json").body(Map.of("globals", Map.of("FOOTER", "bye")))
                .put("/api/templates/globals").then().statusCode(200);
        given().auth().oauth2(Tokens.oem()).contentType("application/json")
                .body(Map.of("subject", "Hi", "html", "<p>{FOOTER}</p>")).put("/api/templates/signup").then().statusCode(200);
        given().auth().oauth2(Tokens.oem()).contentType("application/json").body(Map.of("globals", Map.of()))
                .put("/api/templates/globals").then().statusCode(400)
                .body("errors[0].field", is("globals"))
                .body("errors[0].message", containsString("signup"));
        given().auth().oauth2(Tokens.oem()).contentType("application/json").body(Map.of("globals", Map.of("email", "x")))
                .put("/api/templates/globals").then().statusCode(400)
                .body("errors[0].field", is("globals.email"));
    }

    @Test
    void theOfferEmailPreviewsWithItsSampleDataOrTheGivenData() {
        given().auth().oauth2(Tokens.oem()).get("/api/templates/firmware-offer").then().statusCode(200)
                .body("enabled", is(true))
                .body("dataVariables", hasItems("email", "name", "identity", "version", "packageName", "description"));
        given().auth().oauth2(Tokens.oem()).contentType("application/json").body("{}")
                .post("/api/templates/firmware-offer/preview").then().statusCode(200)
                .body("subject", is("Firmware 1.0.1 is offered for your device sample-device-001"))
                .body("html", org.hamcrest.Matchers.containsString("Bug fixes and improvements"));
        given().auth().oauth2(Tokens.oem()).contentType("application/json")
                .body(java.util.Map.of("data", java.util.Map.of("identity", "gw-<7>", "version", "2.0.0")))
                .post("/api/templates/firmware-offer/preview").then().statusCode(200)
                .body("subject", is("Firmware 2.0.0 is offered for your device gw-<7>"))
                .body("html", org.hamcrest.Matchers.containsString("gw-&lt;7&gt;"));
    }

    @Test
    void previewRendersGivenDataEscapedInHtml() {
        given().auth().oauth2(Tokens.oem()).contentType("application/json")
                .body(Map.of("data", Map.of("name", "<script>alert(1)</script>")))
                .post("/api/templates/signup/preview").then().statusCode(200)
                .body("subject", is("Confirm your Exosite account"))
                .body("html", containsString("&lt;script&gt;alert(1)&lt;/script&gt;"))
                .body("html", org.hamcrest.Matchers.not(containsString("<script>")))
                .body("text", containsString("<script>alert(1)</script>"));
        given().auth().oauth2(Tokens.oem()).contentType("application/json")
                .body(Map.of("data", Map.of("nope", 1)))
                .post("/api/templates/signup/preview").then().statusCode(400)
                .body("errors[0].field", is("data.nope"));
        given().auth().oauth2(Tokens.oem()).contentType("application/json")
                .body(Map.of("template", Map.of("subject", "S <%email%>", "html", "<b><%name%></b>")))
                .post("/api/templates/signup/preview").then().statusCode(200)
                .body("subject", is("S jane@example.com"))
                .body("html", is("<b>Jane Doe</b>"));
    }

    @Test
    void aBrandingChangeShowsInTheNextEmail() throws Exception {
        var branding = new ObjectMapper().readTree("{\"companyName\":\"Acme Devices\",\"title\":\"Acme portal\","
                + "\"theme\":{\"primary\":\"#FF0088\",\"secondary\":\"#101010\"}}");
        Envelope changed = Envelope.of("dev-product", new PortalEvents.BrandingChanged(branding,
                "http://localhost:8080/vendor/brandlogo.png?v=acme", null, null, Instant.now()));
        EventProbe.send(changed);
        Eventually.applied(changed.id());
        try {
            UUID user = UUID.randomUUID();
            String email = EmailTriggersTest.newAddress();
            EventProbe.send(EmailTriggersTest.signup(user, email, "branded"));
            MailSink.ReceivedMail mail = EmailTriggersTest.mail().await(m -> m.to().contains(email), EmailTriggersTest.WAIT);

            assertThat(mail.subject()).isEqualTo("Confirm your Acme Devices account");
            assertThat(mail.html()).contains("src=\"http://localhost:8080/vendor/brandlogo.png?v=acme\"")
                    .contains("#FF0088").contains("#101010");
        } finally {
            var defaults = new ObjectMapper().readTree("{\"companyName\":\"Exosite\"}");
            Envelope back = Envelope.of("dev-product", new PortalEvents.BrandingChanged(defaults, null, null, null, Instant.now()));
            EventProbe.send(back);
            Eventually.applied(back.id());
        }
    }
}
