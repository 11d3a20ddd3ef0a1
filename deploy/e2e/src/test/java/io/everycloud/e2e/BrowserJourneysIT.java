package io.everycloud.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;


import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.everycloud.e2e.PublicApi.Answer;
import io.everycloud.testkit.QrScanner;

/**
 * The end-user portal in a real browser (the system Chromium) against the real local suite: the
 * OEM provisions a device and prints its claim QR code, a person scans it, signs up, confirms the
 * email from the mail sink, signs in, claims, sees the device and its data, asks for a firmware
 * update and signs out; a second person cannot open the first one's device page; the pages fit a
 * phone; the OEM's branding shows. Everything goes through http://localhost:8080 (and the mail
 * sink); each step leaves a screenshot in {@code target/screenshots/} for a person to look at.
 * The journeys run in order and build on each other, like {@link JourneysIT}'s.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrowserJourneysIT {

    static final String PRODUCT = "dev-product";
    /** How long events may take to flow between services on a busy shared CI machine. */
    static final Duration EVENTS = Duration.ofSeconds(90);
    static final Duration MAIL = Duration.ofSeconds(90);

    static final String RUN = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
    static final String DEVICE = "bj" + RUN + "-thermostat";
    static final String CODE = "qr-" + RUN + "-Vb7Nq3Ks";
    static final String USER_EMAIL = "scanner-" + RUN + "@example.com";
    static final String USER_PASSWORD = "Scanned-and-claimed-" + RUN;
    static final String OTHER_EMAIL = "neighbour-" + RUN + "@example.com";
    static final String OTHER_PASSWORD = "Someone-else-" + RUN;
    static final String FIRMWARE_VERSION = "3.1." + RUN;
    static final String DATA = "{\"temperature\":22.5,\"humidity\":41}";
    private static final Pattern VERIFY_LINK = Pattern.compile("https?://[^\\s\"'<>]+/verify\\?token=[^\\s\"'<>]+");

    @RegisterExtension
    static final SuiteExtension suite = SuiteExtension.forClass("browser-data")
            .withOem("oem-operator@example.com", "Browser-oem-")
            .env("EVERYCLOUD_PRODUCT_ID", PRODUCT)
            // journey c switches it on through the API, as the OEM would
            .env("EnableFirmwareUpdate", "disabled");
    static final PublicApi api = suite.api();
    static PortalBrowser browser;
    static DeviceSimulator device;
    static String oemToken;
    static String qrUrl;

    @BeforeAll
    static void startABrowser() throws Exception {
        browser = new PortalBrowser(SuiteProcess.ADDRESS, suite.data().getParent().resolve("screenshots"));
    }

    /** Before the suite stops (the extension stops it after this). */
    @AfterAll
    static void closeTheBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    @Order(1)
    void a_oemProvisionsADeviceThatActivatesAndPrintsItsQrCode() throws IOException {
        String journey = "browser journey a, step: ";
        oemToken = suite.oemToken();
        Answer created = api.post("/api/devices", oemToken,
                Map.of("identity", DEVICE, "claimCode", CODE, "tags", Map.of("location", List.of("Kitchen"))));
        assertThat(created.status()).as(journey + "the OEM provisions %s with a claim code (%s)", DEVICE, created).isEqualTo(201);

        device = new DeviceSimulator(SuiteProcess.ADDRESS, DEVICE);
        HttpResponse<String> activated = device.activate();
        assertThat(activated.statusCode()).as(journey + "the device activates (%s)", activated.body()).isEqualTo(200);
        assertThat(device.write("data_in", DATA).statusCode()).as(journey + "the device writes data_in").isEqualTo(204);

        // claim-service learns the device and its code from the registry's events
        byte[] png = awaitBytes(journey + "the OEM downloads the device's QR code",
                "/api/qr/devices/" + DEVICE + ".png", oemToken);
        browser.keep("00-qr-code", png);
        qrUrl = QrScanner.png(png);
        assertThat(qrUrl).as(journey + "the QR code holds the seed's claim URL")
                .isEqualTo(SuiteProcess.ADDRESS + "/#/?claim=" + URLEncoder.encode(CODE, StandardCharsets.UTF_8) + "&product=" + PRODUCT);
    }

    @Test
    @Order(2)
    void b_aPersonScansTheCodeSignsUpVerifiesSignsInAndClaimsTheDevice() {
        String journey = "browser journey b, step: ";
        browser.open(qrUrl);
        browser.await(journey + "the QR URL leads to sign-in, which says why", ExpectedConditions.and(
                ExpectedConditions.urlContains("/login"),
                ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("main .alert.success"), "claim your device")));
        browser.screenshot("01-qr-url-asks-to-sign-in");

        browser.find(By.linkText("Create an account")).click();
        browser.await(journey + "open the sign-up form", ExpectedConditions.urlContains("/signup"));
        browser.type(By.id("email"), USER_EMAIL);
        browser.type(By.id("name"), "Scanning Person");
        browser.type(By.id("password"), USER_PASSWORD);
        browser.screenshot("02-sign-up");
        browser.find(By.cssSelector("main form button[type=submit]")).click();
        browser.await(journey + "sign up", ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "Check your email"));
        browser.screenshot("03-check-your-email");

        JsonNode mail = PublicApi.awaitMail(USER_EMAIL, m -> verifyLink(m).isPresent(), MAIL)
                .orElseThrow(() -> new AssertionError(journey + "the verification email to " + USER_EMAIL + " within "
                        + MAIL.toSeconds() + " s\n" + suite.serviceLog("user", 30) + "\n" + suite.serviceLog("notification", 30)));
        String link = verifyLink(mail).orElseThrow();
        assertThat(link).as(journey + "the email's link leads to the public address").startsWith(SuiteProcess.ADDRESS + "/verify?token=");
        browser.open(link);
        browser.await(journey + "open the email's link",
                ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "Your email is confirmed"));
        browser.screenshot("04-email-confirmed");

        browser.find(By.cssSelector("main a.button")).click();
        browser.await(journey + "continue to sign-in", ExpectedConditions.urlContains("/login"));
        browser.type(By.id("email"), USER_EMAIL);
        browser.type(By.id("password"), USER_PASSWORD);
        browser.find(By.cssSelector("main form button[type=submit]")).click();
        browser.await(journey + "after signing in, the claim page shows the QR code's claim code", ExpectedConditions.and(
                ExpectedConditions.urlContains("/claim"),
                ExpectedConditions.textToBe(By.id("claim-code"), CODE)));
        assertThat(browser.text(By.id("claim-preview"))).as(journey + "the claim page says what will be claimed")
                .contains("1 device").contains(PRODUCT);
        browser.screenshot("05-claim-confirm");

        browser.find(By.id("confirm-claim")).click();
        browser.await(journey + "confirm the claim", ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "Device added"));
        assertThat(browser.text(By.tagName("main"))).as(journey + "the claimed device is named").contains(DEVICE);
        browser.screenshot("06-device-added");

        // the registry learns the new owner from claim-service's event
        browser.reloadUntil(journey + "'my devices' lists the device", "/devices", EVENTS,
                b -> b.present(By.linkText(DEVICE)));
        browser.screenshot("07-my-devices");

        browser.find(By.linkText(DEVICE)).click();
        browser.await(journey + "open the device's page", ExpectedConditions.textToBe(By.id("device-identity"), DEVICE));
        String shown = browser.text(By.tagName("main"));
        assertThat(shown).as(journey + "the device page shows the latest data").contains("data_in").contains("22.5");
        assertThat(shown).as(journey + "the device page shows the device's tags").contains("location: Kitchen");
        assertThat(browser.driver().getPageSource()).as(journey + "the claim code is not shown as a tag").doesNotContain("claim_code:");
        browser.screenshot("08-device-page");
    }

    @Test
    @Order(3)
    void c_theOwnerAsksForAFirmwareUpdateOnTheDevicePage() {
        String journey = "browser journey c, step: ";
        oemToken = suite.oemToken();
        Answer enabled = api.put("/api/firmware/settings", oemToken, Map.of("EnableFirmwareUpdate", "enabled"));
        assertThat(enabled.status()).as(journey + "the OEM enables firmware updates (%s)", enabled).isEqualTo(200);
        Map<String, Object> configOtau = new LinkedHashMap<>();
        configOtau.put("version", FIRMWARE_VERSION);
        configOtau.put("name", "browser journey firmware");
        configOtau.put("description", "journey c");
        configOtau.put("type", "FILE");
        configOtau.put("payload", "firmware-" + FIRMWARE_VERSION + ".bin");
        String metadata = PublicApi.json(Map.of("author", "e2e", "product", PRODUCT, "config_otau", configOtau));
        Multipart multipart = new Multipart()
                .file("file", "firmware-" + FIRMWARE_VERSION + ".bin", "application/octet-stream",
                        ("browser journey image " + FIRMWARE_VERSION + "\n").repeat(500).getBytes(StandardCharsets.UTF_8))
                .file("metadata", "package_browser.json", "application/json", metadata.getBytes(StandardCharsets.UTF_8));
        Answer uploaded = api.postRaw("/api/firmware/packages", oemToken, multipart.contentType(), multipart.body());
        assertThat(uploaded.status()).as(journey + "the OEM uploads version %s (%s)", FIRMWARE_VERSION, uploaded).isEqualTo(201);

        // firmware-service learns the device's owner from the registry's events
        browser.reloadUntil(journey + "the device page offers version " + FIRMWARE_VERSION, "/devices/" + DEVICE, EVENTS,
                b -> b.present(By.cssSelector("#version option[value='" + FIRMWARE_VERSION + "']")));
        browser.screenshot("09-update-offered");

        new Select(browser.find(By.id("version"))).selectByValue(FIRMWARE_VERSION);
        browser.find(By.id("request-update")).click();
        browser.await(journey + "click Update: the page confirms the request",
                ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), FIRMWARE_VERSION));
        String state = browser.await(journey + "the page shows the update's state",
                ExpectedConditions.presenceOfElementLocated(By.id("ota-state"))).getText();
        browser.screenshot("10-update-requested");

        Answer firmware = api.get("/api/firmware/devices/" + DEVICE, oemToken);
        assertThat(firmware.status()).as(journey + "the OEM reads the device's firmware (%s)", firmware).isEqualTo(200);
        assertThat(state).as(journey + "the page shows the state firmware-service has (%s)", firmware)
                .isEqualTo(firmware.json().path("state").asText());
        assertThat(List.of("REQUESTED", "INIT", "DOWNLOAD")).as(journey + "a requested update's state").contains(state);

        // and the device really gets the command
        String command = await(journey + "the device reads config_otau naming the version",
                () -> device.read("config_otau").getOrDefault("config_otau", ""), value -> value.contains(FIRMWARE_VERSION));
        assertThat(command).contains(uploaded.json().path("sha256").asText());
    }

    @Test
    @Order(4)
    void d_signingOutEndsTheSessionAndRevokesTheRefreshToken() {
        String journey = "browser journey d, step: ";
        Cookie session = browser.cookie("ec_session");
        assertThat(session).as(journey + "signed in, the browser holds the session cookie").isNotNull();
        assertThat(session.isHttpOnly()).as(journey + "page scripts cannot read the session cookie").isTrue();

        browser.open("/account");
        browser.await(journey + "open the account page", ExpectedConditions.presenceOfElementLocated(By.id("sign-out")));
        assertThat(browser.text(By.tagName("main"))).as(journey + "the account page names the user").contains(USER_EMAIL);
        browser.screenshot("11-account");
        browser.find(By.id("sign-out")).click();
        browser.await(journey + "sign out: back on the landing page",
                ExpectedConditions.presenceOfElementLocated(By.cssSelector("body[data-page=landing]")));
        assertThat(browser.present(By.linkText("Sign in"))).as(journey + "signed out, the page offers to sign in").isTrue();
        assertThat(browser.cookie("ec_session")).as(journey + "the session cookie is gone").isNull();
        browser.screenshot("12-signed-out");

        // someone who kept a copy of the old cookie has nothing: the session ended on the server
        browser.addCookie(session);
        browser.open("/devices");
        browser.await(journey + "the old session cookie no longer opens 'my devices'", ExpectedConditions.urlContains("/login"));
        assertThat(browser.text(By.tagName("main"))).as(journey + "no device is shown with the old cookie").doesNotContain(DEVICE);
        browser.screenshot("13-old-cookie-signed-out");
        browser.forgetCookies();

        // what the portal does at sign-out, through the public address: revoking the session's
        // refresh token (client portal) makes it useless, while another sign-in stays valid
        JsonNode signIn = passwordGrant(USER_EMAIL, USER_PASSWORD);
        JsonNode otherSignIn = passwordGrant(USER_EMAIL, USER_PASSWORD);
        Answer revoked = form("/oauth/revoke", Map.of("token", signIn.path("refresh_token").asText(),
                "token_type_hint", "refresh_token", "client_id", "portal"));
        assertThat(revoked.status()).as(journey + "the refresh token is revoked (%s)", revoked).isEqualTo(200);
        Answer refreshed = refresh(signIn.path("refresh_token").asText());
        assertThat(refreshed.status()).as(journey + "the revoked refresh token no longer works (%s)", refreshed).isEqualTo(400);
        assertThat(refreshed.json().path("error").asText()).isEqualTo("invalid_grant");
        assertThat(refresh(otherSignIn.path("refresh_token").asText()).status())
                .as(journey + "another sign-in's refresh token still works").isEqualTo(200);
        Answer discovery = api.get("/.well-known/openid-configuration", null);
        assertThat(discovery.json().path("revocation_endpoint").asText())
                .as(journey + "the discovery document names the revocation endpoint").isEqualTo(SuiteProcess.ADDRESS + "/oauth/revoke");
    }

    @Test
    @Order(5)
    void e_anotherPersonGetsNotFoundForTheDevicePage() throws Exception {
        String journey = "browser journey e, step: ";
        Answer signup = api.post("/api/signup", null, Map.of("email", OTHER_EMAIL, "password", OTHER_PASSWORD));
        assertThat(signup.status()).as(journey + "a second person signs up (%s)", signup).isEqualTo(201);
        JsonNode mail = PublicApi.awaitMail(OTHER_EMAIL, m -> verifyLink(m).isPresent(), MAIL)
                .orElseThrow(() -> new AssertionError(journey + "the verification email to " + OTHER_EMAIL));
        browser.open(verifyLink(mail).orElseThrow());
        browser.await(journey + "the second person confirms the email",
                ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "Your email is confirmed"));

        browser.open("/login");
        browser.type(By.id("email"), OTHER_EMAIL);
        browser.type(By.id("password"), OTHER_PASSWORD);
        browser.find(By.cssSelector("main form button[type=submit]")).click();
        browser.await(journey + "the second person signs in to 'my devices'",
                ExpectedConditions.presenceOfElementLocated(By.cssSelector("body[data-page=devices]")));
        assertThat(browser.text(By.tagName("main"))).as(journey + "the first person's device is not in the list").doesNotContain(DEVICE);
        browser.screenshot("14-second-person-devices");

        browser.open("/devices/" + DEVICE);
        browser.await(journey + "the first person's device page is not found",
                ExpectedConditions.textToBe(By.tagName("h1"), "Page not found"));
        assertThat(browser.text(By.tagName("main"))).as(journey + "nothing of the device is shown").doesNotContain(DEVICE)
                .doesNotContain("22.5").doesNotContain("Kitchen");
        browser.screenshot("15-foreign-device-not-found");

        // the same page with the second person's session, as an HTTP client sees it: a 404
        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(SuiteProcess.ADDRESS + "/devices/" + DEVICE))
                .header("Cookie", "ec_session=" + browser.cookie("ec_session").getValue()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).as(journey + "the foreign device page's status").isEqualTo(404);
    }

    @Test
    @Order(6)
    void f_thePagesFitAPhone() {
        String journey = "browser journey f, step: ";
        browser.phoneSize();
        try {
            // signed in as the second person: the QR URL leads straight to the claim page
            browser.open(qrUrl);
            browser.await(journey + "on a phone, the QR URL opens the claim page",
                    ExpectedConditions.presenceOfElementLocated(By.cssSelector("body[data-page=claim]")));
            assertThat(browser.text(By.tagName("main"))).as(journey + "the claim page explains the device has an owner")
                    .contains("already has an owner");
            assertThat(browser.fitsTheWindow()).as(journey + "the claim page needs no sideways scrolling on a phone (%s)", browser.widths())
                    .isTrue();
            browser.screenshot("16-phone-claim");

            browser.forgetCookies();
            browser.open(qrUrl);
            browser.await(journey + "signed out on a phone, the QR URL opens sign-in", ExpectedConditions.urlContains("/login"));
            assertThat(browser.fitsTheWindow()).as(journey + "sign-in fits a phone (%s)", browser.widths()).isTrue();
            WebElement email = browser.find(By.id("email"));
            assertThat(email.getRect().getWidth()).as(journey + "the email field fits a phone").isLessThanOrEqualTo(390);
            browser.screenshot("17-phone-sign-in");

            browser.open("/");
            browser.await(journey + "the landing page on a phone",
                    ExpectedConditions.presenceOfElementLocated(By.cssSelector("body[data-page=landing]")));
            assertThat(browser.fitsTheWindow()).as(journey + "the landing page fits a phone (%s)", browser.widths()).isTrue();
            WebElement picture = browser.find(By.cssSelector(".hero img"));
            assertThat(picture.isDisplayed()).as(journey + "the device picture is shown").isTrue();
            assertThat(picture.getRect().getWidth()).as(journey + "the device picture fits a phone").isLessThanOrEqualTo(390);
            browser.screenshot("18-phone-landing");
        } finally {
            browser.desktopSize();
        }
    }

    @Test
    @Order(7)
    void g_theOemsBrandingShowsOnThePages() {
        String journey = "browser journey g, step: ";
        browser.open("/");
        String titleBefore = browser.driver().getTitle();
        String primaryBefore = browser.cssVariable("--primary");

        Answer current = api.get("/vendor/branding.json", null);
        assertThat(current.status()).as(journey + "read the branding in force (%s)", current).isEqualTo(200);
        ObjectNode branding = (ObjectNode) current.json();
        String title = "Acme Thermostat " + RUN;
        branding.put("title", title);
        ((ObjectNode) branding.path("theme")).put("primary", "#AA3300");
        ((ObjectNode) branding.path("landingPage")).put("mainSlogan", "Warm homes, small bills");
        oemToken = suite.oemToken();
        Answer uploaded = api.put("/vendor/branding.json", oemToken, branding.toString());
        assertThat(uploaded.status()).as(journey + "the OEM uploads a new branding.json (%s)", uploaded).isEqualTo(200);

        browser.reloadUntil(journey + "the landing page carries the new title", "/", PortalBrowser.PAGE,
                b -> title.equals(b.driver().getTitle()));
        assertThat(title).as(journey + "the title changed").isNotEqualTo(titleBefore);
        assertThat(browser.cssVariable("--primary")).as(journey + "the primary colour (before: %s)", primaryBefore)
                .isEqualToIgnoringCase("#AA3300").isNotEqualToIgnoringCase(primaryBefore);
        assertThat(browser.find(By.cssSelector("main .button")).getCssValue("background-color"))
                .as(journey + "the main button is painted in the primary colour").isIn("rgba(170, 51, 0, 1)", "rgb(170, 51, 0)");
        assertThat(browser.text(By.tagName("h1"))).as(journey + "the slogan").isEqualTo("Warm homes, small bills");
        browser.screenshot("19-branded-landing");

        browser.open("/login");
        assertThat(browser.driver().getTitle()).as(journey + "other pages carry the title too").endsWith(title);
        browser.screenshot("20-branded-sign-in");
    }

    // ---- helpers

    /** The full verification link of an email (text or HTML part). */
    private static Optional<String> verifyLink(JsonNode mail) {
        for (String part : new String[] {mail.path("text").asText(""), mail.path("html").asText("")}) {
            Matcher matcher = VERIFY_LINK.matcher(part.replace("&amp;", "&"));
            if (matcher.find()) {
                return Optional.of(matcher.group());
            }
        }
        return Optional.empty();
    }

    /** A binary GET with the bearer token, polled until it answers 200. */
    private static byte[] awaitBytes(String step, String path, String token) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + EVENTS.toNanos();
        String last = "";
        while (true) {
            try {
                HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(SuiteProcess.ADDRESS + path))
                        .header("Authorization", "Bearer " + token).header("Accept", "image/png").timeout(Duration.ofSeconds(30))
                        .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() == 200) {
                    assertThat(response.headers().firstValue("Content-Type").orElse(""))
                            .as(step + ": the content type").startsWith("image/png");
                    return response.body();
                }
                last = response.statusCode() + " " + new String(response.body(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(step + " within " + EVENTS.toSeconds() + " s; last answer: " + last + "\n"
                        + suite.serviceLog("claim", 20));
            }
            PublicApi.sleep(Duration.ofMillis(500));
        }
    }

    private static JsonNode passwordGrant(String email, String password) {
        Answer answer = form("/oauth/token", Map.of("grant_type", "password", "username", email, "password", password,
                "client_id", "portal"));
        assertThat(answer.status()).as("sign-in of %s (%s)", email, answer).isEqualTo(200);
        return answer.json();
    }

    private static Answer refresh(String refreshToken) {
        return form("/oauth/token", Map.of("grant_type", "refresh_token", "refresh_token", refreshToken, "client_id", "portal"));
    }

    private static Answer form(String path, Map<String, String> fields) {
        return PublicApi.send(HttpRequest.newBuilder(URI.create(SuiteProcess.ADDRESS + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(DeviceSimulator.form(fields))));
    }

    private static <T> T await(String step, Supplier<T> read, Predicate<T> done) {
        long deadline = System.nanoTime() + EVENTS.toNanos();
        T last = read.get();
        while (!done.test(last) && System.nanoTime() < deadline) {
            PublicApi.sleep(Duration.ofMillis(500));
            last = read.get();
        }
        assertThat(done.test(last)).as("%s within %s s; last: %s", step, EVENTS.toSeconds(), last).isTrue();
        return last;
    }
}
