package io.everycloud.portal.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** The pages over plain HTTP: sessions, CSRF, object-level 404 and what never reaches the browser. */
@QuarkusTest
class PortalPagesTest {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    /** A browser-like session: the cookie and the CSRF token of its forms. */
    record Browser(String cookie, String csrf) {
    }

    static Browser anonymous() {
        Response page = given().redirects().follow(false).when().get("/login");
        page.then().statusCode(200);
        return new Browser(page.getCookie("ec_session"), csrfOf(page.asString()));
    }

    static Browser signIn(String email) {
        Browser browser = anonymous();
        Response login = given().redirects().follow(false).cookie("ec_session", browser.cookie())
                .formParam("_csrf", browser.csrf()).formParam("email", email).formParam("password", StandInServices.PASSWORD)
                .when().post("/login");
        login.then().statusCode(303);
        String cookie = login.getCookie("ec_session");
        assertThat(cookie).isNotEqualTo(browser.cookie());   // a new session secret after signing in
        Response account = given().cookie("ec_session", cookie).when().get("/account");
        account.then().statusCode(200);
        return new Browser(cookie, csrfOf(account.asString()));
    }

    static String csrfOf(String html) {
        Matcher matcher = CSRF.matcher(html);
        assertThat(matcher.find()).as("the page has a form with a CSRF token").isTrue();
        return matcher.group(1);
    }

    @Test
    void theSessionCookieIsHttpOnlyAndSameSiteLax() {
        String setCookie = given().when().get("/login").then().statusCode(200).extract().header("Set-Cookie");
        assertThat(setCookie).contains("ec_session=").contains("HttpOnly").containsIgnoringCase("SameSite=Lax").contains("Path=/");
    }

    @Test
    void formPostsWithoutTheCsrfTokenAreRefused() {
        Browser alice = signIn(StandInServices.ALICE);
        for (String path : List.of("/login", "/signup", "/password-reset", "/password-reset/confirm", "/claim",
                "/account/password", "/logout", "/devices/" + StandInServices.ALICE_DEVICE + "/update",
                "/devices/" + StandInServices.ALICE_DEVICE + "/decline")) {
            given().cookie("ec_session", alice.cookie()).formParam("code", "x").formParam("version", "1.0.1")
                    .when().post(path).then().statusCode(403).body(containsString("form has expired"));
            given().cookie("ec_session", alice.cookie()).formParam("_csrf", "forged").formParam("version", "1.0.1")
                    .when().post(path).then().statusCode(403);
        }
        // nothing was done: alice is still signed in and no update was requested
        given().redirects().follow(false).cookie("ec_session", alice.cookie()).when().get("/devices").then().statusCode(200);
        given().formParam("_csrf", alice.csrf()).when().post("/logout").then().statusCode(403);   // a token without its session
    }

    @Test
    void aUserNeverSeesAnotherUsersDevicePage() {
        Browser alice = signIn(StandInServices.ALICE);
        given().cookie("ec_session", alice.cookie()).when().get("/devices/" + StandInServices.ALICE_DEVICE)
                .then().statusCode(200).body(containsString(StandInServices.ALICE_DEVICE)).body(containsString("1.1.0"));
        given().cookie("ec_session", alice.cookie()).when().get("/devices/" + StandInServices.BOB_DEVICE)
                .then().statusCode(404).body(containsString("Page not found")).body(not(containsString(StandInServices.BOB_DEVICE)));
        given().cookie("ec_session", alice.cookie()).formParam("_csrf", alice.csrf()).formParam("version", "1.0.1")
                .when().post("/devices/" + StandInServices.BOB_DEVICE + "/update").then().statusCode(404);
        given().cookie("ec_session", alice.cookie()).when().get("/devices")
                .then().statusCode(200).body(containsString(StandInServices.ALICE_DEVICE))
                .body(not(containsString(StandInServices.BOB_DEVICE)));
    }

    @Test
    void anOwnerDeclinesTheMakersOfferOnTheDevicePage() {
        Browser alice = signIn(StandInServices.ALICE);
        String device = "/devices/" + StandInServices.ALICE_DEVICE;
        given().cookie("ec_session", alice.cookie()).when().get(device).then().statusCode(200)
                .body(containsString("The maker offers version <strong>1.1.0</strong>"))
                .body(containsString("action=\"" + device + "/decline\""));

        String location = given().redirects().follow(false).cookie("ec_session", alice.cookie())
                .formParam("_csrf", alice.csrf()).formParam("version", "1.1.0")
                .when().post(device + "/decline").then().statusCode(303).extract().header("Location");
        assertThat(location).endsWith(device + "?declined=1.1.0");
        given().cookie("ec_session", alice.cookie()).when().get(location).then().statusCode(200)
                .body(containsString("You declined version 1.1.0"))
                .body(not(containsString("The maker offers version")));
        List<String> declines = given().baseUri(standIn()).when().get("/_standin/log").then().extract().path("declines");
        assertThat(declines).containsExactly(StandInServices.ALICE_DEVICE + "=1.1.0");

        // the offer is gone: declining again says so on the page, nothing is sent twice
        given().cookie("ec_session", alice.cookie()).formParam("_csrf", alice.csrf()).formParam("version", "1.1.0")
                .when().post(device + "/decline").then().statusCode(409).body(containsString("could not be declined"));
        given().cookie("ec_session", alice.cookie()).formParam("_csrf", alice.csrf()).formParam("version", " ")
                .when().post(device + "/decline").then().statusCode(400).body(containsString("choose the offered version"));
        // another user's device is not found, as every other page of it
        given().cookie("ec_session", alice.cookie()).formParam("_csrf", alice.csrf()).formParam("version", "1.1.0")
                .when().post("/devices/" + StandInServices.BOB_DEVICE + "/decline").then().statusCode(404);
        assertThat((List<String>) given().baseUri(standIn()).when().get("/_standin/log").then().extract().path("declines"))
                .hasSize(1);
    }

    @Test
    void pagesForSignedInUsersSendAnonymousVisitorsToSignIn() {
        for (String path : List.of("/devices", "/devices/" + StandInServices.ALICE_DEVICE, "/apps", "/account", "/claim?code=X")) {
            String location = given().redirects().follow(false).when().get(path).then().statusCode(303)
                    .extract().header("Location");
            assertThat(location).contains("/login?next=");
        }
    }

    @Test
    void tokensNeverReachTheBrowser() {
        Browser alice = signIn(StandInServices.ALICE);
        List<String> issued = given().baseUri(standIn()).when().get("/_standin/log").then().extract().path("accessTokens");
        for (String path : List.of("/", "/devices", "/devices/" + StandInServices.ALICE_DEVICE, "/apps", "/account", "/claim")) {
            String html = given().cookie("ec_session", alice.cookie()).when().get(path).asString();
            for (String token : issued) {
                assertThat(html).doesNotContain(token);
            }
            assertThat(html).doesNotContain("eyJ");
        }
    }

    @Test
    void signingOutEndsTheSessionAndRevokesTheRefreshToken() {
        Browser alice = signIn(StandInServices.ALICE);
        int revokedBefore = given().baseUri(standIn()).when().get("/_standin/log").then().extract().path("revoked.size()");
        given().redirects().follow(false).cookie("ec_session", alice.cookie()).formParam("_csrf", alice.csrf())
                .when().post("/logout").then().statusCode(303).header("Location", containsString("/"))
                .header("Set-Cookie", containsString("Max-Age=0"));
        given().redirects().follow(false).cookie("ec_session", alice.cookie()).when().get("/devices").then().statusCode(303);
        int revokedAfter = given().baseUri(standIn()).when().get("/_standin/log").then().extract().path("revoked.size()");
        assertThat(revokedAfter).isEqualTo(revokedBefore + 1);
    }

    @Test
    void aSignInCannotBeRedirectedToAnotherSite() {
        Browser browser = anonymous();
        given().redirects().follow(false).cookie("ec_session", browser.cookie()).formParam("_csrf", browser.csrf())
                .formParam("email", StandInServices.ALICE).formParam("password", StandInServices.PASSWORD)
                .formParam("next", "//evil.example.com/")
                .when().post("/login").then().statusCode(303).header("Location", not(containsString("evil")));
    }

    @Test
    void claimErrorsAreShownInPlainWords() {
        Browser alice = signIn(StandInServices.ALICE);
        given().cookie("ec_session", alice.cookie()).when().get("/claim?code=" + StandInServices.EXPIRED_CODE)
                .then().statusCode(410).body(containsString("This claim code has expired"));
        given().cookie("ec_session", alice.cookie()).when().get("/claim?code=NOPE")
                .then().statusCode(404).body(containsString("This claim code is not known"));
        given().cookie("ec_session", alice.cookie()).when().get("/claim?code=" + StandInServices.OWNED_CODE)
                .then().statusCode(200).body(containsString("already has an owner")).body(not(containsString("confirm-claim")));
    }

    @Test
    void aBadVerificationLinkIsExplained() {
        given().when().get("/verify?token=nope").then().statusCode(400)
                .body(containsString("Your email could not be confirmed"))
                .body(containsString("This verification link is invalid or has expired"));
    }

    @Test
    void pagesCarrySecurityHeadersAndTheStylesheetIsServed() {
        given().when().get("/").then().statusCode(200)
                .header("Content-Security-Policy", containsString("script-src 'self'"))
                .header("Cache-Control", "no-store")
                .body(containsString("This is your main slogan here"));
        given().when().get("/static/portal.css").then().statusCode(200).body(containsString("--primary"));
        given().when().get("/static/portal.js").then().statusCode(200).body(containsString("claim"));
    }

    @Test
    void managedAppsAreShownWithTheirLogoAndLinkInTheOperatorsOrder() {
        String oem = io.everycloud.testkit.Tokens.oem();
        given().auth().oauth2(oem).contentType("application/json")
                .body(java.util.Map.of("name", "Home Climate", "description", "Schedules and reports",
                        "url", "https://climate.example.com", "logoUrl", "https://climate.example.com/logo.png"))
                .when().put("/api/apps/ext_climate").then().statusCode(200);
        given().auth().oauth2(oem).contentType("application/json")
                .body(java.util.Map.of("name", "Energy", "url", "https://energy.example.com"))
                .when().put("/api/apps/ext_energy").then().statusCode(200);
        given().auth().oauth2(oem).contentType("application/json")
                .body(java.util.Map.of("domain", "portal.example.com", "managedApps", List.of("ext_energy", "ext_climate", "ext_nometa"),
                        "publication", java.util.Map.of("mode", "public", "whitelist", List.of())))
                .when().put("/api/settings").then().statusCode(200);

        Browser alice = signIn(StandInServices.ALICE);
        String html = given().cookie("ec_session", alice.cookie()).when().get("/apps").then().statusCode(200).extract().asString();
        assertThat(html).contains("href=\"https://climate.example.com\"").contains("src=\"https://climate.example.com/logo.png\"")
                .contains("Schedules and reports").contains("href=\"https://energy.example.com\"").doesNotContain("ext_nometa");
        assertThat(html.indexOf("Energy")).as("the operator's order").isLessThan(html.indexOf("Home Climate"));
    }

    @Test
    void aPasswordIsResetFromTheEmailsLink() {
        Browser browser = anonymous();
        given().cookie("ec_session", browser.cookie()).formParam("_csrf", browser.csrf())
                .formParam("email", StandInServices.DAVE).when().post("/password-reset")
                .then().statusCode(200).body(containsString("If an account exists for " + StandInServices.DAVE));
        String token = given().baseUri(standIn()).queryParam("email", StandInServices.DAVE)
                .when().get("/_standin/reset").then().statusCode(200).extract().path("token");

        String form = given().cookie("ec_session", browser.cookie()).when().get("/password-reset?token=" + token)
                .then().statusCode(200).extract().asString();
        assertThat(form).contains("name=\"token\" value=\"" + token + "\"");
        given().cookie("ec_session", browser.cookie()).formParam("_csrf", browser.csrf()).formParam("token", token)
                .formParam("password", "short").when().post("/password-reset/confirm")
                .then().statusCode(400).body(containsString("Password: must have at least 10 characters"));
        given().cookie("ec_session", browser.cookie()).formParam("_csrf", browser.csrf()).formParam("token", token)
                .formParam("password", "a brand new password").when().post("/password-reset/confirm")
                .then().statusCode(200).body(containsString("Your password is changed"));
        given().cookie("ec_session", browser.cookie()).formParam("_csrf", browser.csrf()).formParam("token", token)
                .formParam("password", "a brand new password").when().post("/password-reset/confirm")
                .then().statusCode(400).body(containsString("This reset link is invalid or has expired"));
    }

    @Test
    void aWrongCurrentPasswordIsExplainedOnTheAccountPage() {
        Browser alice = signIn(StandInServices.ALICE);
        given().cookie("ec_session", alice.cookie()).formParam("_csrf", alice.csrf())
                .formParam("currentPassword", "not it").formParam("newPassword", "another long password")
                .when().post("/account/password")
                .then().statusCode(400).body(containsString("Current password: is not your current password"));
    }

    @Test
    void anExpiringAccessTokenIsRefreshedBehindTheScenes() {
        int before = given().baseUri(standIn()).when().get("/_standin/log").then().extract().path("refreshes");
        Browser carol = signIn(StandInServices.CAROL);
        given().cookie("ec_session", carol.cookie()).when().get("/devices").then().statusCode(200)
                .body(containsString("You have no devices yet"));
        given().cookie("ec_session", carol.cookie()).when().get("/claim").then().statusCode(200);
        int after = given().baseUri(standIn()).when().get("/_standin/log").then().extract().path("refreshes");
        assertThat(after - before).as("each page refreshed the one-second token").isGreaterThanOrEqualTo(2);
    }

    static String standIn() {
        return ConfigProvider.getConfig().getValue("portal.services.user-url", String.class);
    }
}
