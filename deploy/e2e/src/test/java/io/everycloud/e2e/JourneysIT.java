package io.everycloud.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import io.everycloud.e2e.PublicApi.Answer;
import io.everycloud.e2e.PublicApi.Download;
import io.everycloud.testkit.QrScanner;

/**
 * The product as its users meet it: one local suite (real processes, broker, databases and mail
 * sink), started once, and journeys that run in order and build on each other (the OEM's devices
 * of journey a are claimed in b, ...). Everything is asserted through http://localhost:8080 and
 * the mail sink's http://localhost:8025/messages only. Events flow between services
 * asynchronously, so every "then the user sees" is polled with a bounded deadline.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JourneysIT {

    static final String PRODUCT = "dev-product";
    /** How long events may take to flow between services on a busy shared CI machine. */
    static final Duration EVENTS = Duration.ofSeconds(90);
    static final Duration MAIL = Duration.ofSeconds(90);

    static final String RUN = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
    static final String PREFIX = "j" + RUN + "-";
    static final List<String> SHARED = List.of(PREFIX + "s1", PREFIX + "s2", PREFIX + "s3");
    static final String SHARED_CODE = "shared-" + RUN + "-Kq7Wm2Xp";
    static final String EXPIRED_DEVICE = PREFIX + "x1";
    static final String EXPIRED_CODE = "expired-" + RUN + "-Zr4Tn8Lc";
    static final String EMAIL_DEVICE = PREFIX + "e1";
    static final String RESET_DEVICE = PREFIX + "r1";
    static final String FIRMWARE_VERSION = "2.0." + RUN;
    static final String RESET_CODE = "reset-" + RUN + "-Hv3Bj6Qd";
    /** A code with characters a URL must encode (space, &, +, /, non-ASCII): the QR code must carry it exactly. */
    static final String QR_DEVICE = PREFIX + "q1";
    static final String QR_CODE = "QR code & more+/\u00fc-" + RUN;
    static final String APP = "e2eapp" + RUN;
    static final List<String> APP_DEVICES = List.of(PREFIX + "g0", PREFIX + "g1", PREFIX + "g2");
    static final String APP_CODE = "apps-" + RUN + "-Wd5Rk8Nt";
    static final String OTHER_DEVICE = PREFIX + "g3";
    static final String OTHER_CODE = "other-" + RUN + "-Fm6Jc2Vs";
    static final List<String> PUSHED = List.of(PREFIX + "h1", PREFIX + "h2", PREFIX + "h3");
    static final String PUSHED_VERSION = "3.0." + RUN;

    @RegisterExtension
    static final SuiteExtension suite = SuiteExtension.forClass("journeys-data")
            .withOem("oem-operator@example.com", "Journeys-oem-")
            .env("EVERYCLOUD_PRODUCT_ID", PRODUCT)
            // journey g's webhook receiver listens on loopback, which the SSRF guard refuses by default
            .env("NOTIFICATION_WEBHOOKS_ALLOW_PRIVATE", "true")
            // journey e switches it on through the API, as the OEM would
            .env("EnableFirmwareUpdate", "disabled");
    static final PublicApi api = suite.api();
    static final Map<String, DeviceSimulator> devices = new LinkedHashMap<>();

    static String oemToken;
    static String userBEmail;
    static String userBPassword;
    static String userBToken;
    static String userCEmail;
    static String userCPassword = "Set-by-link-" + UUID.randomUUID().toString().substring(0, 8);

    @Test
    @Order(1)
    void a_oemImportsDevicesThatActivateAndReportData() {
        oemToken = suite.oemToken();

        long past = Instant.now().minus(Duration.ofHours(1)).getEpochSecond();
        StringBuilder csv = new StringBuilder("identity,claim_code,expires\n");
        SHARED.forEach(identity -> csv.append(identity).append(',').append(SHARED_CODE).append(",\n"));
        csv.append(EXPIRED_DEVICE).append(',').append(EXPIRED_CODE).append(',').append(past).append('\n');
        csv.append(EMAIL_DEVICE).append(",,\n");
        csv.append(RESET_DEVICE).append(',').append(RESET_CODE).append(",\n");
        Answer imported = api.postRaw("/api/devices/import", oemToken, "text/csv", csv.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(imported.status()).as("journey a, step: import CSV (%s)", imported).isEqualTo(200);
        assertThat(imported.json().path("created").asInt()).as("journey a, step: import CSV counts (%s)", imported).isEqualTo(6);
        assertThat(imported.json().path("errors")).as("journey a, step: import CSV errors").isEmpty();

        List<String> all = new ArrayList<>(SHARED);
        all.addAll(List.of(EXPIRED_DEVICE, EMAIL_DEVICE, RESET_DEVICE));
        for (String identity : all) {
            DeviceSimulator device = new DeviceSimulator(SuiteProcess.ADDRESS, identity);
            var activated = device.activate();
            assertThat(activated.statusCode()).as("journey a, step: activate %s (%s)", identity, activated.body()).isEqualTo(200);
            assertThat(activated.body().trim()).as("journey a, step: device token of %s", identity).hasSize(40);
            var written = device.write("data_in", "{\"temperature\":21.5,\"device\":\"" + identity + "\"}");
            assertThat(written.statusCode()).as("journey a, step: %s writes data_in (%s)", identity, written.body()).isEqualTo(204);
            assertThat(device.read("data_in")).as("journey a, step: %s reads data_in back", identity)
                    .containsEntry("data_in", "{\"temperature\":21.5,\"device\":\"" + identity + "\"}");
            devices.put(identity, device);
        }
        var again = devices.get(SHARED.get(0)).activate();
        assertThat(again.statusCode()).as("journey a, step: a second activation is refused").isEqualTo(409);

        JsonNode seen = await("journey a, step: the OEM sees the six activated devices",
                () -> api.get("/api/devices?identity=" + PREFIX + "&limit=500", oemToken),
                answer -> answer.status() == 200 && identities(answer).equals(new HashSet<>(all))
                        && allMatch(answer.json().path("items"), d -> d.path("status").asText().equals("activated"))).json();
        assertThat(seen.path("items")).hasSize(6);
        Answer one = api.get("/api/devices/" + SHARED.get(1), oemToken);
        assertThat(one.json().path("resources").path("data_in").path("value").asText())
                .as("journey a, step: the OEM sees the data a device reported").contains("21.5");
        assertThat(one.json().path("tags").path("claim_code").toString())
                .as("journey a, step: the imported claim code is a tag").contains(SHARED_CODE);
    }

    @Test
    @Order(2)
    void b_userScansTheQrCodeSignsUpVerifiesAndClaimsTheSharedCode() {
        // the OEM prints the device's QR code on the box; the person scans it with a phone
        Download qr = awaitDownload("journey b, step: the OEM downloads the QR code of " + SHARED.get(0),
                "/api/qr/devices/" + SHARED.get(0) + ".png", oemToken);
        assertThat(qr.header("Content-Type")).as("journey b, step: the QR code is a PNG (%s)", qr).startsWith("image/png");
        String scanned = QrScanner.png(qr.body());
        assertThat(scanned).as("journey b, step: the QR code leads to the portal").startsWith(SuiteProcess.ADDRESS + "/#/?claim=");
        Map<String, String> link = fragmentQuery(scanned);
        assertThat(link).as("journey b, step: the QR URL carries the claim code and the product (%s)", scanned)
                .containsExactly(Map.entry("claim", SHARED_CODE), Map.entry("product", PRODUCT));
        String scannedCode = link.get("claim");

        userBEmail = "user-b-" + RUN + "@example.com";
        userBPassword = "Correct-horse-" + RUN;
        Answer signup = api.post("/api/signup", null, Map.of("email", userBEmail, "password", userBPassword, "name", "User B"));
        assertThat(signup.status()).as("journey b, step: sign up (%s)", signup).isEqualTo(201);

        JsonNode mail = PublicApi.awaitMail(userBEmail, m -> PublicApi.linkToken(m, "verify").isPresent(), MAIL)
                .orElseThrow(() -> new AssertionError("journey b, step: verification email to " + userBEmail
                        + " within " + MAIL.toSeconds() + " s\n" + suite.serviceLog("notification", 40)));
        String token = PublicApi.linkToken(mail, "verify").orElseThrow();
        assertThat(mail.path("text").asText() + mail.path("html").asText())
                .as("journey b, step: the link leads to the public address").contains(SuiteProcess.ADDRESS + "/verify?token=");
        Answer verified = api.post("/api/verify", null, Map.of("token", token));
        assertThat(verified.status()).as("journey b, step: follow the verification link (%s)", verified).isBetween(200, 204);

        userBToken = api.login(userBEmail, userBPassword, "portal");
        String userB = subject(userBToken);

        Answer claimed = claim(userBToken, scannedCode, 200, "journey b, step: claim the code read from the QR code");
        assertThat(texts(claimed.json().path("devices"))).as("journey b, step: the claim answers the three devices (%s)", claimed)
                .containsExactlyInAnyOrderElementsOf(SHARED);

        Answer mine = await("journey b, step: 'my devices' shows exactly the three devices",
                () -> api.get("/api/devices", userBToken),
                answer -> answer.status() == 200 && identities(answer).equals(new HashSet<>(SHARED)));
        assertThat(mine.json().path("items")).hasSize(3);
        for (String identity : SHARED) {
            Answer device = api.get("/api/devices/" + identity, userBToken);
            assertThat(texts(device.json().path("tags").path("users")))
                    .as("journey b, step: the users tag of %s holds the user (%s)", identity, device).containsExactly(userB);
        }

        claim(userBToken, EXPIRED_CODE, 410, "journey b, step: the expired code is refused");
        Answer foreign = api.get("/api/devices/" + EXPIRED_DEVICE, userBToken);
        assertThat(foreign.status()).as("journey b, step: a device that is not theirs is 404 (%s)", foreign).isEqualTo(404);
    }

    @Test
    @Order(3)
    void b2_oemPrintsQrCodesAndAUserClaimsWithTheScannedCode() throws Exception {
        freshTokens();
        Answer created = api.post("/api/devices", oemToken, Map.of("identity", QR_DEVICE, "claimCode", QR_CODE));
        assertThat(created.status()).as("journey b2, step: the OEM adds a device with the code %s (%s)", QR_CODE, created).isEqualTo(201);

        Download png = awaitDownload("journey b2, step: the OEM downloads the device's QR code (PNG)",
                "/api/qr/devices/" + QR_DEVICE + ".png", oemToken);
        String url = QrScanner.png(png.body());
        assertThat(url).as("journey b2, step: the PNG's QR code leads to the portal").startsWith(SuiteProcess.ADDRESS + "/#/?claim=");
        assertThat(fragmentQuery(url)).as("journey b2, step: the URL carries the exact code, encoded, and the product (%s)", url)
                .containsExactly(Map.entry("claim", QR_CODE), Map.entry("product", PRODUCT));

        Download svg = api.download("/api/qr/devices/" + QR_DEVICE + ".svg", oemToken);
        assertThat(svg.status()).as("journey b2, step: the OEM downloads the SVG (%s)", svg).isEqualTo(200);
        assertThat(svg.header("Content-Type")).as("journey b2, step: an SVG").startsWith("image/svg+xml");
        assertThat(QrScanner.svg(svg.body())).as("journey b2, step: the SVG's QR code is the same URL").isEqualTo(url);

        Download exosense = api.download("/api/qr/devices/" + QR_DEVICE + ".png?format=exosense", oemToken);
        assertThat(exosense.status()).as("journey b2, step: the ExoSense QR code (%s)", exosense).isEqualTo(200);
        assertThat(QrScanner.png(exosense.body())).as("journey b2, step: the ExoSense QR code is <product>.<code>")
                .isEqualTo(PRODUCT + "." + QR_CODE);

        Download weak = api.download("/api/qr/devices/" + EMAIL_DEVICE + ".png", oemToken);
        assertThat(weak.header("X-Claim-Code-Weak")).as("journey b2, step: a device whose code is its identity is flagged weak (%s)", weak)
                .isEqualTo("true");

        Download generic = api.download("/api/qr/generic.png", oemToken);
        assertThat(generic.status()).as("journey b2, step: the generic QR code (%s)", generic).isEqualTo(200);
        assertThat(QrScanner.png(generic.body())).as("journey b2, step: the generic QR code opens the portal's claim page")
                .isEqualTo(SuiteProcess.ADDRESS + "/#/?claim=");

        List<String> printed = new ArrayList<>(SHARED);
        printed.add(QR_DEVICE);
        Download zip = api.postForDownload("/api/qr/batch", oemToken, Map.of("identities", printed));
        assertThat(zip.status()).as("journey b2, step: the OEM asks for a batch of QR codes (%s)", zip).isEqualTo(200);
        assertThat(zip.header("Content-Type")).as("journey b2, step: the batch is a ZIP file").startsWith("application/zip");
        Map<String, byte[]> files = unzip(zip.body());
        Set<String> expectedFiles = new HashSet<>();
        printed.forEach(identity -> expectedFiles.add(identity + ".png"));
        expectedFiles.add("index.csv");
        assertThat(files.keySet()).as("journey b2, step: the ZIP holds a PNG per device and index.csv").isEqualTo(expectedFiles);
        List<Map<String, String>> index = csv(new String(files.get("index.csv"), StandardCharsets.UTF_8));
        assertThat(index).as("journey b2, step: index.csv has a line per device").hasSize(printed.size());
        for (Map<String, String> line : index) {
            String identity = line.get("identity");
            String code = identity.equals(QR_DEVICE) ? QR_CODE : SHARED_CODE;
            assertThat(line.get("code")).as("journey b2, step: index.csv gives the code of %s", identity).isEqualTo(code);
            assertThat(line.get("file")).as("journey b2, step: index.csv names the image of %s", identity).isEqualTo(identity + ".png");
            String decoded = QrScanner.png(files.get(identity + ".png"));
            assertThat(decoded).as("journey b2, step: the image of %s is the URL index.csv gives", identity).isEqualTo(line.get("url"));
            assertThat(fragmentQuery(decoded)).as("journey b2, step: the batch QR code of %s carries its code", identity)
                    .containsExactly(Map.entry("claim", code), Map.entry("product", PRODUCT));
        }

        String scannedCode = fragmentQuery(url).get("claim");
        Answer claimed = claim(userBToken, scannedCode, 200, "journey b2, step: user b claims with the code read from the QR code");
        assertThat(texts(claimed.json().path("devices"))).as("journey b2, step: the claim answers the device").containsExactly(QR_DEVICE);
        await("journey b2, step: user b sees the device",
                () -> api.get("/api/devices/" + QR_DEVICE, userBToken),
                answer -> answer.status() == 200 && texts(answer.json().path("tags").path("users")).equals(List.of(subject(userBToken))));
    }

    @Test
    @Order(4)
    void c_aDeviceAsksForAnAccountByEmail() {
        freshTokens();
        userCEmail = "device-user-" + RUN + "@example.com";
        DeviceSimulator device = devices.get(EMAIL_DEVICE);
        assertThat(device.write("pdaas_user_email", userCEmail).statusCode())
                .as("journey c, step: the device writes pdaas_user_email").isEqualTo(204);

        JsonNode welcome = PublicApi.awaitMail(userCEmail, m -> PublicApi.linkToken(m, "password-reset").isPresent(), MAIL)
                .orElseThrow(() -> new AssertionError("journey c, step: welcome email with a set-password link to " + userCEmail
                        + " within " + MAIL.toSeconds() + " s\n" + suite.serviceLog("user", 30) + "\n" + suite.serviceLog("claim", 30)
                        + "\n" + suite.serviceLog("notification", 30)));
        String token = PublicApi.linkToken(welcome, "password-reset").orElseThrow();
        Answer set = api.post("/api/password-reset/confirm", null, Map.of("token", token, "password", userCPassword));
        assertThat(set.status()).as("journey c, step: set the password from the welcome link (%s)", set).isBetween(200, 204);

        String userCToken = api.login(userCEmail, userCPassword, "portal");
        String userC = subject(userCToken);
        await("journey c, step: the new user sees the device",
                () -> api.get("/api/devices", userCToken),
                answer -> answer.status() == 200 && identities(answer).equals(Set.of(EMAIL_DEVICE)));

        String other = "someone-else-" + RUN + "@example.com";
        assertThat(device.write("pdaas_user_email", other).statusCode())
                .as("journey c, step: a second pdaas_user_email on the owned device").isEqualTo(204);
        // Proving that nothing happens needs a quiet period; the write above has gone through the
        // same topics as the first one, which took well under this to reach the mail sink.
        PublicApi.sleep(Duration.ofSeconds(15));
        assertThat(PublicApi.countMail(other)).as("journey c, step: no email to the second address").isZero();
        Answer owned = api.get("/api/devices/" + EMAIL_DEVICE, oemToken);
        assertThat(texts(owned.json().path("tags").path("users")))
                .as("journey c, step: the device still belongs to the first user only (%s)", owned).containsExactly(userC);
    }

    @Test
    @Order(5)
    void d_pdaasResetFreesTheDeviceAndItsCodeStillWorks() {
        freshTokens();
        Answer claimed = claim(userBToken, RESET_CODE, 200, "journey d, step: user b claims the device");
        assertThat(texts(claimed.json().path("devices"))).containsExactly(RESET_DEVICE);
        await("journey d, step: user b sees the device",
                () -> api.get("/api/devices/" + RESET_DEVICE, userBToken), answer -> answer.status() == 200);

        DeviceSimulator device = devices.get(RESET_DEVICE);
        assertThat(device.write("pdaas_reset", "true").statusCode()).as("journey d, step: the device writes pdaas_reset").isEqualTo(204);
        await("journey d, step: the device has no owner any more",
                () -> api.get("/api/devices/" + RESET_DEVICE, oemToken),
                answer -> answer.status() == 200 && texts(answer.json().path("tags").path("users")).isEmpty());
        await("journey d, step: user b no longer sees the device",
                () -> api.get("/api/devices/" + RESET_DEVICE, userBToken), answer -> answer.status() == 404);
        assertThat(texts(api.get("/api/devices/" + RESET_DEVICE, oemToken).json().path("tags").path("claim_code")))
                .as("journey d, step: the claim code stays").containsExactly(RESET_CODE);

        String userCToken = api.login(userCEmail, userCPassword, "portal");
        Answer again = claim(userCToken, RESET_CODE, 200, "journey d, step: another user claims with the same code");
        assertThat(texts(again.json().path("devices"))).containsExactly(RESET_DEVICE);
        Answer seen = await("journey d, step: the other user sees the device",
                () -> api.get("/api/devices/" + RESET_DEVICE, userCToken), answer -> answer.status() == 200);
        assertThat(texts(seen.json().path("tags").path("users"))).containsExactly(subject(userCToken));
    }

    @Test
    @Order(6)
    void e_oemPushesFirmwareAndTheDeviceLongPollReceivesIt() {
        freshTokens();
        Answer enabled = api.put("/api/firmware/settings", oemToken, Map.of("EnableFirmwareUpdate", "enabled"));
        assertThat(enabled.status()).as("journey e, step: enable firmware updates (%s)", enabled).isEqualTo(200);

        String version = FIRMWARE_VERSION;
        Map<String, Object> configOtau = new LinkedHashMap<>();
        configOtau.put("version", version);
        configOtau.put("name", "e2e firmware");
        configOtau.put("description", "journey e");
        configOtau.put("type", "FILE");
        configOtau.put("payload", "firmware-" + version + ".bin");
        String metadata = PublicApi.json(Map.of("author", "e2e", "product", PRODUCT, "config_otau", configOtau));
        byte[] firmware = ("firmware image " + version + "\n").repeat(2000).getBytes(StandardCharsets.UTF_8);
        Multipart multipart = new Multipart()
                .file("file", "firmware-" + version + ".bin", "application/octet-stream", firmware)
                .file("metadata", "package_e2e.json", "application/json", metadata.getBytes(StandardCharsets.UTF_8));
        Answer uploaded = api.postRaw("/api/firmware/packages", oemToken, multipart.contentType(), multipart.body());
        assertThat(uploaded.status()).as("journey e, step: upload the package (%s)", uploaded).isEqualTo(201);
        assertThat(uploaded.json().path("version").asText()).isEqualTo(version);

        DeviceSimulator device = devices.get(SHARED.get(0));
        long before = device.platformTime() - 1;
        Answer pushed = await("journey e, step: push the update to " + device.identity(),
                () -> api.post("/api/firmware/update", oemToken, Map.of("message", configOtau, "devices", List.of(device.identity()))),
                answer -> answer.status() == 202 && texts(answer.json().path("accepted")).contains(device.identity()));
        assertThat(pushed.json().path("rejected")).as("journey e, step: nothing rejected (%s)", pushed).isEmpty();

        long deadline = System.nanoTime() + EVENTS.toNanos();
        Optional<String> received = Optional.empty();
        while (received.isEmpty() && System.nanoTime() < deadline) {
            received = device.longPoll("config_otau", Duration.ofSeconds(20), before);
        }
        assertThat(received).as("journey e, step: the device's long poll on config_otau returns the message within %s s\n%s",
                EVENTS.toSeconds(), suite.serviceLog("firmware", 20)).isPresent();
        JsonNode config = parse(received.get());
        assertThat(config.path("version").asText()).as("journey e, step: config_otau names the pushed version (%s)", config).isEqualTo(version);
        assertThat(config.path("sha256").asText()).as("journey e, step: config_otau carries the package's hash")
                .isEqualTo(uploaded.json().path("sha256").asText());

        byte[] downloaded = device.download(config.path("contentId").asText(), 16 * 1024);
        assertThat(sha256(downloaded)).as("journey e, step: the downloaded image (in Range pieces) has the announced SHA-256")
                .isEqualTo(config.path("sha256").asText());
        assertThat(downloaded).as("journey e, step: the downloaded image is the uploaded file").isEqualTo(firmware);

        for (String status : List.of("INIT", "DOWNLOAD", "DOWNLOAD_STEP", "DOWNLOAD_SUCCESS", "INSTALL", "INSTALL_STEP", "INSTALL_SUCCESS")) {
            assertThat(device.reportOtau(version, status, "e2e " + status).statusCode())
                    .as("journey e, step: the device reports %s in otau_in", status).isEqualTo(204);
        }
        Answer state = await("journey e, step: the owner sees the device on the new version after INSTALL_SUCCESS",
                () -> api.get("/api/firmware/devices/" + device.identity(), userBToken),
                answer -> answer.status() == 200 && version.equals(answer.json().path("installedVersion").asText()));
        assertThat(state.json().path("state").asText()).as("journey e, step: the update's state (%s)", state).isEqualTo("INSTALL_SUCCESS");

        Answer mixed = api.post("/api/firmware/update", userBToken,
                Map.of("message", configOtau, "devices", List.of(SHARED.get(1), EXPIRED_DEVICE)));
        assertThat(mixed.status()).as("journey e, step: a user's batch with a foreign device (%s)", mixed).isEqualTo(202);
        assertThat(texts(mixed.json().path("accepted"))).as("journey e, step: their own device is accepted (%s)", mixed)
                .containsExactly(SHARED.get(1));
        List<String> rejected = new ArrayList<>();
        mixed.json().path("rejected").forEach(r -> rejected.add(r.path("device").asText()));
        assertThat(rejected)
                .as("journey e, step: the foreign device is rejected (%s)", mixed).containsExactly(EXPIRED_DEVICE);
    }

    @Test
    @Order(7)
    void e2_ownersAreEmailedAboutTheUploadedPackage() {
        freshTokens();
        Optional<JsonNode> announced = PublicApi.awaitMail(userBEmail,
                m -> (m.path("subject").asText() + m.path("text").asText()).contains(FIRMWARE_VERSION), MAIL);
        assertThat(announced).as("journey e, step: the owner is emailed about version %s\nmails to the owner (or to nobody): %s\ndelivery log: %s\n%s\n%s",
                FIRMWARE_VERSION, subjects(userBEmail), api.get("/api/notifications?to=" + userBEmail, oemToken),
                suite.serviceLog("notification", 30), suite.serviceLog("firmware", 30)).isPresent();
        assertThat(announced.get().path("text").asText()).as("journey e, step: the email lists the owner's devices")
                .contains(SHARED.get(0), SHARED.get(1), SHARED.get(2));
    }

    @Test
    @Order(8)
    void f_aNewClaimCodeTransfersOwnershipAndTheOldOwnerLosesAccess() {
        freshTokens();
        String userCToken = api.login(userCEmail, userCPassword, "portal");
        assertThat(api.get("/api/devices/" + EMAIL_DEVICE, userCToken).status()).as("journey f, step: user c owns the device").isEqualTo(200);

        String newCode = "transfer-" + RUN + "-Pw9Ya5Ke";
        DeviceSimulator device = devices.get(EMAIL_DEVICE);
        assertThat(device.write("pdaas_claim_code", newCode).statusCode()).as("journey f, step: the device writes pdaas_claim_code").isEqualTo(204);
        await("journey f, step: the OEM sees the new claim code",
                () -> api.get("/api/devices/" + EMAIL_DEVICE, oemToken),
                answer -> answer.status() == 200 && texts(answer.json().path("tags").path("claim_code")).equals(List.of(newCode)));

        Answer claimed = claim(userBToken, newCode, 200, "journey f, step: user b claims with the new code");
        assertThat(texts(claimed.json().path("devices"))).containsExactly(EMAIL_DEVICE);
        Answer seen = await("journey f, step: user b sees the device as its only owner",
                () -> api.get("/api/devices/" + EMAIL_DEVICE, userBToken),
                answer -> answer.status() == 200 && texts(answer.json().path("tags").path("users")).equals(List.of(subject(userBToken))));
        assertThat(seen.json().path("identity").asText()).isEqualTo(EMAIL_DEVICE);
        await("journey f, step: the old owner gets 404 for the device",
                () -> api.get("/api/devices/" + EMAIL_DEVICE, userCToken), answer -> answer.status() == 404);
        await("journey f, step: the old owner's device list no longer has it",
                () -> api.get("/api/devices", userCToken),
                answer -> answer.status() == 200 && !identities(answer).contains(EMAIL_DEVICE));
        await("journey f, step: the old owner cannot see its firmware any more",
                () -> api.get("/api/firmware/devices/" + EMAIL_DEVICE, userCToken), answer -> answer.status() == 404);
        await("journey f, step: the new owner sees its firmware",
                () -> api.get("/api/firmware/devices/" + EMAIL_DEVICE, userBToken), answer -> answer.status() == 200);

        // the old owner has no hold on the device left, in any service
        claim(userCToken, newCode, 409, "journey f, step: the old owner cannot claim it back with the used transfer code");
        Answer release = api.delete("/api/ownership/" + EMAIL_DEVICE, userCToken);
        assertThat(release.status()).as("journey f, step: the old owner cannot release the device (%s)", release).isEqualTo(404);
        Answer recode = api.put("/api/ownership/" + EMAIL_DEVICE + "/claim-code", userCToken, Map.of("code", "back-" + RUN + "-Tq2Lw7Rb"));
        assertThat(recode.status()).as("journey f, step: the old owner cannot set a new claim code (%s)", recode).isEqualTo(404);
        Answer update = api.post("/api/firmware/devices/" + EMAIL_DEVICE + "/update", userCToken, Map.of("version", FIRMWARE_VERSION));
        assertThat(update.status()).as("journey f, step: the old owner cannot update its firmware (%s)", update).isEqualTo(404);
        Answer pushed = api.post("/api/firmware/update", userCToken,
                Map.of("message", Map.of("version", FIRMWARE_VERSION, "type", "FILE"), "devices", List.of(EMAIL_DEVICE)));
        assertThat(pushed.status()).as("journey f, step: the old owner's batch push (%s)", pushed).isEqualTo(202);
        assertThat(pushed.json().path("accepted")).as("journey f, step: the old owner's batch push accepts nothing (%s)", pushed).isEmpty();
        assertThat(pushed.json().path("rejected").toString()).as("journey f, step: the old owner's batch push rejects the device")
                .contains(EMAIL_DEVICE);
        Answer history = api.get("/api/ownership/" + EMAIL_DEVICE + "/history?limit=500", oemToken);
        assertThat(history.status()).as("journey f, step: the OEM reads the device's ownership history (%s)", history).isEqualTo(200);
        JsonNode last = history.json().path("items").get(history.json().path("items").size() - 1);
        assertThat(last.path("action").asText()).as("journey f, step: the last ownership change is the transfer (%s)", history).isEqualTo("transferred");
        assertThat(last.path("userId").asText()).as("journey f, step: to user b").isEqualTo(subject(userBToken));
        assertThat(last.path("previousUserId").asText()).as("journey f, step: from user c").isEqualTo(subject(userCToken));
    }

    @Test
    @Order(9)
    void g_defaultAppGetsTheClaimedDevicesAndTheirTransformedDataOnItsWebhook() throws Exception {
        freshTokens();
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            // the OEM sets up an application: its client, its webhook, and the product's transform
            Answer client = api.post("/api/clients", oemToken, Map.of("name", "E2E dashboard " + RUN, "appId", APP));
            assertThat(client.status()).as("journey g, step: the OEM creates the app's client (%s)", client).isEqualTo(201);
            assertThat(client.json().path("clientId").asText()).as("journey g, step: the client id is the app id").isEqualTo(APP);
            String clientSecret = client.json().path("clientSecret").asText();
            assertThat(clientSecret).as("journey g, step: the client secret is shown").isNotBlank();

            String webhookSecret = "whsec-" + UUID.randomUUID();
            Answer hook = api.put("/api/webhooks/" + APP, oemToken, Map.of("url", receiver.url("/hooks/" + APP), "secret", webhookSecret));
            assertThat(hook.status()).as("journey g, step: the OEM registers the app's webhook (%s)", hook).isBetween(200, 201);

            Answer product = api.get("/api/product", oemToken);
            assertThat(product.status()).as("journey g, step: the OEM reads the product settings (%s)", product).isEqualTo(200);
            String transform = "{\"device\": $identity, \"alias\": $alias, \"celsius\": temperature,"
                    + " \"fahrenheit\": temperature * 9 / 5 + 32, \"seq\": seq}";
            Answer transformed = api.put("/api/product", oemToken,
                    Map.of("provisioning", product.json().path("provisioning").asText(), "transform", transform));
            assertThat(transformed.status()).as("journey g, step: the OEM sets the product transform (%s)", transformed).isEqualTo(200);

            // a user whose data makes the app a default for the devices they claim
            String email = "app-user-" + RUN + "@example.com";
            String password = "App-user-pass-" + RUN;
            Answer user = api.post("/api/users", oemToken, Map.of("email", email, "name", "App User", "password", password));
            assertThat(user.status()).as("journey g, step: the OEM creates the user (%s)", user).isEqualTo(201);
            String userId = user.json().path("id").asText();
            Answer data = api.put("/api/users/" + userId + "/data/app_" + APP, oemToken, Map.of("default", true));
            assertThat(data.status()).as("journey g, step: the OEM sets app_%s = {\"default\": true} (%s)", APP, data).isBetween(200, 204);

            StringBuilder csv = new StringBuilder("identity,claim_code,expires\n").append(APP_DEVICES.get(0)).append(",,\n");
            APP_DEVICES.subList(1, APP_DEVICES.size()).forEach(identity -> csv.append(identity).append(',').append(APP_CODE).append(",\n"));
            csv.append(OTHER_DEVICE).append(',').append(OTHER_CODE).append(",\n");
            Answer imported = api.postRaw("/api/devices/import", oemToken, "text/csv", csv.toString().getBytes(StandardCharsets.UTF_8));
            assertThat(imported.json().path("created").asInt()).as("journey g, step: import the devices (%s)", imported).isEqualTo(4);
            List<String> all = new ArrayList<>(APP_DEVICES);
            all.add(OTHER_DEVICE);
            activate("journey g", all);

            // The device asks for its account by the user's email: the user's account events (the
            // app default first) reach claim-service in order, so once the device is theirs the
            // default is known there too, and the next claims carry it.
            DeviceSimulator asking = devices.get(APP_DEVICES.get(0));
            assertThat(asking.write("pdaas_user_email", email).statusCode())
                    .as("journey g, step: %s writes the user's email", asking.identity()).isEqualTo(204);
            String userToken = api.login(email, password, "portal");
            await("journey g, step: the user owns the device that asked by email",
                    () -> api.get("/api/devices/" + asking.identity(), userToken), answer -> answer.status() == 200);

            Answer claimed = claim(userToken, APP_CODE, 200, "journey g, step: the user claims two devices");
            assertThat(texts(claimed.json().path("devices"))).containsExactlyInAnyOrderElementsOf(APP_DEVICES.subList(1, APP_DEVICES.size()));
            claim(userBToken, OTHER_CODE, 200, "journey g, step: user b (no default app) claims another device");
            for (String identity : APP_DEVICES) {
                await("journey g, step: " + identity + " is routed to the app (apps tag)",
                        () -> api.get("/api/devices/" + identity, oemToken),
                        answer -> answer.status() == 200 && texts(answer.json().path("tags").path("apps")).equals(List.of(APP)));
            }
            await("journey g, step: user b's device is theirs",
                    () -> api.get("/api/devices/" + OTHER_DEVICE, userBToken), answer -> answer.status() == 200);
            assertThat(texts(api.get("/api/devices/" + OTHER_DEVICE, oemToken).json().path("tags").path("apps")))
                    .as("journey g, step: user b's device has no app").isEmpty();

            // the app signs in with its client credentials and sees exactly those devices
            String appToken = api.appToken(APP, clientSecret);
            Answer listed = api.get("/api/devices?limit=500", appToken);
            assertThat(listed.status()).as("journey g, step: the app lists its devices (%s)", listed).isEqualTo(200);
            assertThat(identities(listed)).as("journey g, step: the app sees exactly the user's devices (%s)", listed)
                    .isEqualTo(new HashSet<>(APP_DEVICES));
            assertThat(api.get("/api/devices/" + OTHER_DEVICE, appToken).status())
                    .as("journey g, step: the app gets 404 for a device not routed to it").isEqualTo(404);

            // the devices report; the app's webhook receives the transformed data, in order per device
            assertThat(devices.get(OTHER_DEVICE).write("data_in", "{\"temperature\": 30, \"seq\": 0}").statusCode())
                    .as("journey g, step: user b's device writes data_in").isEqualTo(204);
            int values = 4;
            for (int seq = 1; seq <= values; seq++) {
                for (String identity : APP_DEVICES) {
                    var written = devices.get(identity).write("data_in", "{\"temperature\": " + (20 + seq) + ".5, \"seq\": " + seq + "}");
                    assertThat(written.statusCode()).as("journey g, step: %s writes data_in #%s (%s)", identity, seq, written.body()).isEqualTo(204);
                }
            }
            long deadline = System.nanoTime() + EVENTS.toNanos();
            Map<String, List<Integer>> bySeq = deliveredInOrder(receiver.received());
            while (bySeq.values().stream().mapToInt(List::size).sum() < values * APP_DEVICES.size() && System.nanoTime() < deadline) {
                PublicApi.sleep(Duration.ofMillis(500));
                bySeq = deliveredInOrder(receiver.received());
            }
            List<WebhookReceiver.Delivery> received = receiver.received();
            assertThat(bySeq.values().stream().mapToInt(List::size).sum())
                    .as("journey g, step: the webhook receives %s deliveries within %s s; received %s\n%s\n%s",
                            values * APP_DEVICES.size(), EVENTS.toSeconds(), received,
                            api.get("/api/notifications?limit=20", oemToken), suite.serviceLog("notification", 30))
                    .isEqualTo(values * APP_DEVICES.size());
            for (WebhookReceiver.Delivery delivery : received) {
                assertThat(delivery.method()).as("journey g, step: a delivery is a POST (%s)", delivery).isEqualTo("POST");
                assertThat(delivery.signedWith(webhookSecret)).as("journey g, step: the delivery's signature is valid (%s, headers %s)",
                        delivery, delivery.headers()).isTrue();
                assertThat(delivery.header("X-EveryCloud-Event")).as("journey g, step: the event type").isEqualTo("data.routed.v1");
                JsonNode body = parse(delivery.body());
                String identity = body.path("identity").asText();
                assertThat(identity).as("journey g, step: only devices routed to the app are delivered (%s)", delivery).isIn(APP_DEVICES);
                assertThat(body.path("appId").asText()).as("journey g, step: the delivery names the app").isEqualTo(APP);
                assertThat(body.path("alias").asText()).as("journey g, step: the delivery names the alias").isEqualTo("data_in");
                JsonNode value = body.path("data");
                assertThat(value.path("device").asText()).as("journey g, step: the transform ran with $identity (%s)", delivery).isEqualTo(identity);
                assertThat(value.path("alias").asText()).as("journey g, step: the transform ran with $alias (%s)", delivery).isEqualTo("data_in");
                double celsius = 20 + value.path("seq").asInt() + 0.5;
                assertThat(value.path("celsius").asDouble()).as("journey g, step: the transformed value (%s)", delivery).isEqualTo(celsius);
                assertThat(value.path("fahrenheit").asDouble()).as("journey g, step: the transform computed (%s)", delivery)
                        .isCloseTo(celsius * 9 / 5 + 32, org.assertj.core.data.Offset.offset(1e-9));
            }
            for (String identity : APP_DEVICES) {
                assertThat(bySeq.get(identity)).as("journey g, step: %s's data arrives once each, in the order written (%s)", identity, received)
                        .containsExactly(1, 2, 3, 4);
            }
        }
    }

    @Test
    @Order(10)
    void h_oemBatchPushOfTheSeedUpdatesSeveralDevices() throws Exception {
        freshTokens();
        assertThat(api.put("/api/firmware/settings", oemToken, Map.of("EnableFirmwareUpdate", "enabled")).status())
                .as("journey h, step: firmware updates are enabled").isEqualTo(200);
        StringBuilder csv = new StringBuilder();
        PUSHED.forEach(identity -> csv.append(identity).append(",,\n"));
        Answer imported = api.postRaw("/api/devices/import", oemToken, "text/csv", csv.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(imported.json().path("created").asInt()).as("journey h, step: import the devices (%s)", imported).isEqualTo(PUSHED.size());
        activate("journey h", PUSHED);

        Map<String, Object> configOtau = new LinkedHashMap<>();
        configOtau.put("version", PUSHED_VERSION);
        configOtau.put("name", "e2e fleet firmware");
        configOtau.put("description", "journey h");
        configOtau.put("type", "FILE");
        configOtau.put("payload", "fleet-" + PUSHED_VERSION + ".bin");
        byte[] firmware = ("fleet image " + PUSHED_VERSION + "\n").repeat(3000).getBytes(StandardCharsets.UTF_8);
        Multipart multipart = new Multipart()
                .file("file", "fleet-" + PUSHED_VERSION + ".bin", "application/octet-stream", firmware)
                .file("metadata", "package_fleet.json", "application/json",
                        PublicApi.json(Map.of("author", "e2e", "product", PRODUCT, "config_otau", configOtau)).getBytes(StandardCharsets.UTF_8));
        Answer uploaded = api.postRaw("/api/firmware/packages", oemToken, multipart.contentType(), multipart.body());
        assertThat(uploaded.status()).as("journey h, step: upload the package (%s)", uploaded).isEqualTo(201);
        String sha256 = uploaded.json().path("sha256").asText();

        for (String identity : PUSHED) {
            await("journey h, step: the OEM sees " + identity + " in firmware",
                    () -> api.get("/api/firmware/devices/" + identity, oemToken), answer -> answer.status() == 200);
        }
        long before = devices.get(PUSHED.get(0)).platformTime() - 1;
        Answer pushed = api.post("/api/firmware/update", oemToken, Map.of("message", configOtau, "devices", PUSHED));
        assertThat(pushed.status()).as("journey h, step: the OEM's batch push (%s)", pushed).isEqualTo(202);
        assertThat(texts(pushed.json().path("accepted"))).as("journey h, step: every device accepted (%s)", pushed)
                .containsExactlyInAnyOrderElementsOf(PUSHED);
        Answer requested = api.get("/api/firmware/updates?state=REQUESTED&version=" + PUSHED_VERSION + "&limit=500", oemToken);
        assertThat(devicesOf(requested)).as("journey h, step: the fleet status shows them REQUESTED (%s)", requested)
                .containsExactlyInAnyOrderElementsOf(PUSHED);

        ExecutorService fleet = Executors.newFixedThreadPool(PUSHED.size());
        try {
            List<Future<String>> updated = new ArrayList<>();
            for (String identity : PUSHED) {
                DeviceSimulator device = devices.get(identity);
                updated.add(fleet.submit(() -> {
                    long deadline = System.nanoTime() + EVENTS.toNanos();
                    Optional<String> received = Optional.empty();
                    while (received.isEmpty() && System.nanoTime() < deadline) {
                        received = device.longPoll("config_otau", Duration.ofSeconds(20), before);
                    }
                    assertThat(received).as("journey h, step: %s's long poll on config_otau returns the message", identity).isPresent();
                    JsonNode config = parse(received.get());
                    assertThat(config.path("version").asText()).as("journey h, step: %s gets the pushed version (%s)", identity, config)
                            .isEqualTo(PUSHED_VERSION);
                    byte[] image = device.download(config.path("contentId").asText(), 32 * 1024);
                    assertThat(sha256(image)).as("journey h, step: %s's download has the announced SHA-256", identity)
                            .isEqualTo(config.path("sha256").asText()).isEqualTo(sha256);
                    for (String status : List.of("INIT", "DOWNLOAD", "DOWNLOAD_SUCCESS", "INSTALL", "INSTALL_SUCCESS")) {
                        assertThat(device.reportOtau(PUSHED_VERSION, status, "fleet " + status).statusCode())
                                .as("journey h, step: %s reports %s", identity, status).isEqualTo(204);
                    }
                    return identity;
                }));
            }
            for (Future<String> device : updated) {
                try {
                    device.get(EVENTS.toSeconds() + 120, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof AssertionError failure ? failure : new AssertionError(e.getCause());
                }
            }
        } finally {
            fleet.shutdownNow();
        }
        Answer done = await("journey h, step: the fleet status shows every device INSTALL_SUCCESS",
                () -> api.get("/api/firmware/updates?state=INSTALL_SUCCESS&version=" + PUSHED_VERSION + "&limit=500", oemToken),
                answer -> answer.status() == 200 && new HashSet<>(devicesOf(answer)).equals(new HashSet<>(PUSHED)));
        assertThat(allMatch(done.json().path("items"), u -> u.path("finished").asBoolean() && u.path("succeeded").asBoolean()))
                .as("journey h, step: each update finished and succeeded (%s)", done).isTrue();
        Answer left = api.get("/api/firmware/updates?state=REQUESTED&version=" + PUSHED_VERSION, oemToken);
        assertThat(devicesOf(left)).as("journey h, step: none is still REQUESTED (%s)", left).isEmpty();
        for (String identity : PUSHED) {
            Answer view = api.get("/api/firmware/devices/" + identity, oemToken);
            assertThat(view.json().path("installedVersion").asText()).as("journey h, step: %s runs the new version (%s)", identity, view)
                    .isEqualTo(PUSHED_VERSION);
        }
    }

    @Test
    @Order(11)
    void i_oemRebrandsAndThePortalAndTheNextEmailShowIt() throws Exception {
        freshTokens();
        Download oldLogo = api.download("/vendor/brandlogo.png", null);
        assertThat(oldLogo.status()).as("journey i, step: the default logo (%s)", oldLogo).isEqualTo(200);
        Answer current = api.get("/vendor/branding.json", null);
        assertThat(current.status()).as("journey i, step: read branding.json (%s)", current).isEqualTo(200);

        String title = "Acme Thermo Portal " + RUN;
        String company = "Acme Devices " + RUN;
        String primary = "#7A1F5C";
        com.fasterxml.jackson.databind.node.ObjectNode branding = (com.fasterxml.jackson.databind.node.ObjectNode) current.json().deepCopy();
        branding.put("title", title);
        branding.put("companyName", company);
        com.fasterxml.jackson.databind.node.ObjectNode theme = (com.fasterxml.jackson.databind.node.ObjectNode) branding.path("theme");
        theme.put("primary", primary);
        theme.put("secondary", "#1B2B3C");
        theme.put("accent", "#E0A100");
        Answer rebranded = api.putRaw("/vendor/branding.json", oemToken, "application/json", PublicApi.json(branding).getBytes(StandardCharsets.UTF_8));
        assertThat(rebranded.status()).as("journey i, step: the OEM uploads branding.json (%s)", rebranded).isEqualTo(200);

        byte[] logo = logoPng(new java.awt.Color(0x7A, 0x1F, 0x5C));
        Answer uploadedLogo = api.putRaw("/vendor/brandlogo.png", oemToken, "image/png", logo);
        assertThat(uploadedLogo.status()).as("journey i, step: the OEM uploads brandlogo.png (%s)", uploadedLogo).isEqualTo(200);
        String logoVersion = uploadedLogo.json().path("etag").asText();

        Answer landing = await("journey i, step: the landing page shows the new title, colour and logo",
                () -> api.page("/"),
                answer -> answer.status() == 200 && answer.body().contains(title)
                        && answer.body().toLowerCase().contains("--primary: " + primary.toLowerCase())
                        && answer.body().contains("/vendor/brandlogo.png?v=" + logoVersion));
        assertThat(landing.body()).as("journey i, step: the page title").containsPattern("<title>[^<]*" + java.util.regex.Pattern.quote(title));

        Download newLogo = api.download("/vendor/brandlogo.png", null);
        assertThat(newLogo.body()).as("journey i, step: /vendor/brandlogo.png serves the new image").isEqualTo(logo);
        assertThat(newLogo.header("ETag")).as("journey i, step: the logo's ETag changed").isNotNull().isNotEqualTo(oldLogo.header("ETag"));
        Download cached = PublicApi.sendBytes(java.net.http.HttpRequest.newBuilder(java.net.URI.create(SuiteProcess.ADDRESS + "/vendor/brandlogo.png"))
                .header("If-None-Match", oldLogo.header("ETag")).GET());
        assertThat(cached.status()).as("journey i, step: a browser holding the old logo gets the new one").isEqualTo(200);
        assertThat(api.get("/vendor/branding.json", null).json().path("title").asText())
                .as("journey i, step: branding.json serves the new title").isEqualTo(title);

        // the OEM previews the email until it shows the new branding, then a person signs up
        String logoUrl = SuiteProcess.ADDRESS + "/vendor/brandlogo.png?v=" + logoVersion;
        await("journey i, step: the OEM's email preview shows the new company name and logo",
                () -> api.post("/api/templates/signup/preview", oemToken, Map.of()),
                answer -> answer.status() == 200 && answer.json().path("subject").asText().contains(company)
                        && answer.json().path("html").asText().contains(logoUrl));
        String email = "branded-" + RUN + "@example.com";
        Answer signup = api.post("/api/signup", null, Map.of("email", email, "password", "Branded-pass-" + RUN));
        assertThat(signup.status()).as("journey i, step: a person signs up (%s)", signup).isEqualTo(201);
        JsonNode mail = PublicApi.awaitMail(email, m -> PublicApi.linkToken(m, "verify").isPresent(), MAIL)
                .orElseThrow(() -> new AssertionError("journey i, step: verification email to " + email + " within "
                        + MAIL.toSeconds() + " s\n" + suite.serviceLog("notification", 30)));
        assertThat(mail.path("subject").asText()).as("journey i, step: the email's subject names the new company").contains(company);
        assertThat(mail.path("text").asText()).as("journey i, step: the email's text names the new company").contains(company);
        assertThat(mail.path("html").asText().toLowerCase()).as("journey i, step: the email's HTML uses the new colour")
                .contains(primary.toLowerCase());
        assertThat(mail.path("html").asText()).as("journey i, step: the email's HTML shows the new logo")
                .contains(logoUrl);
    }

    // ---- helpers

    /** Activates each device, as firmware does at first boot, and keeps it for later journeys. */
    private static void activate(String journey, List<String> identities) {
        for (String identity : identities) {
            DeviceSimulator device = new DeviceSimulator(SuiteProcess.ADDRESS, identity);
            var activated = device.activate();
            assertThat(activated.statusCode()).as("%s, step: activate %s (%s)", journey, identity, activated.body()).isEqualTo(200);
            devices.put(identity, device);
        }
    }

    /** A binary download, retried while the owning service has not learnt the device yet (404). */
    private static Download awaitDownload(String step, String path, String token) {
        long deadline = System.nanoTime() + EVENTS.toNanos();
        Download last = api.download(path, token);
        while (last.status() == 404 && System.nanoTime() < deadline) {
            PublicApi.sleep(Duration.ofMillis(500));
            last = api.download(path, token);
        }
        assertThat(last.status()).as("%s within %s s; last answer: %s", step, EVENTS.toSeconds(), last).isEqualTo(200);
        return last;
    }

    /** The parameters of a portal URL's fragment ({@code /#/?claim=...&product=...}), decoded, in order. */
    static Map<String, String> fragmentQuery(String url) {
        int start = url.indexOf("#/?");
        if (start < 0) {
            throw new AssertionError("no #/? in " + url);
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : url.substring(start + 3).split("&", -1)) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            if (value.contains(" ") || value.contains("#") || value.contains("?")) {
                throw new AssertionError("a parameter that is not URL-encoded in " + url);
            }
            parameters.put(java.net.URLDecoder.decode(name, StandardCharsets.UTF_8), java.net.URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return parameters;
    }

    private static Map<String, byte[]> unzip(byte[] zip) throws java.io.IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
            for (java.util.zip.ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                files.put(entry.getName(), in.readAllBytes());
            }
        }
        return files;
    }

    /** A CSV with a header line, as a spreadsheet reads it (quoted fields with doubled quotes). */
    private static List<Map<String, String>> csv(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                row.add(field.toString());
                field.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
            } else {
                field.append(c);
            }
        }
        if (field.length() > 0 || !row.isEmpty()) {
            row.add(field.toString());
            rows.add(row);
        }
        List<Map<String, String>> lines = new ArrayList<>();
        List<String> header = rows.get(0);
        for (List<String> values : rows.subList(1, rows.size())) {
            Map<String, String> line = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                line.put(header.get(i), i < values.size() ? values.get(i) : "");
            }
            lines.add(line);
        }
        return lines;
    }

    /** Per device, the {@code data.seq} of each delivery (duplicates of a delivery id counted once), in arrival order. */
    private static Map<String, List<Integer>> deliveredInOrder(List<WebhookReceiver.Delivery> received) {
        Map<String, List<Integer>> bySeq = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (WebhookReceiver.Delivery delivery : received) {
            String id = delivery.header("X-EveryCloud-Delivery");
            if (id != null && !seen.add(id)) {
                continue;
            }
            JsonNode body = parse(delivery.body());
            bySeq.computeIfAbsent(body.path("identity").asText(), k -> new ArrayList<>()).add(body.path("data").path("seq").asInt());
        }
        return bySeq;
    }

    private static List<String> devicesOf(Answer updates) {
        List<String> identities = new ArrayList<>();
        updates.json().path("items").forEach(update -> identities.add(update.path("device").asText()));
        return identities;
    }

    /** A small logo: a coloured band with a white square, as a PNG. */
    private static byte[] logoPng(java.awt.Color colour) throws java.io.IOException {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(160, 48, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = image.createGraphics();
        g.setColor(colour);
        g.fillRect(0, 0, 160, 48);
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(12, 12, 24, 24);
        g.dispose();
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "png", png);
        return png.toByteArray();
    }

    /** Access tokens live five minutes: each journey logs in again, as the portal would refresh. */
    private static void freshTokens() {
        oemToken = suite.oemToken();
        userBToken = api.login(userBEmail, userBPassword, "portal");
    }

    /** Claims, retrying while claim-service has not yet learnt the code (404) or the change (409); few tries: failures count against the user's attempt budget. */
    private static Answer claim(String token, String code, int expected, String step) {
        Answer answer = null;
        for (int attempt = 0; attempt < 6; attempt++) {
            answer = api.post("/api/claims", token, Map.of("code", code));
            if (answer.status() == expected || (answer.status() != 404 && answer.status() != 409)) {
                break;
            }
            PublicApi.sleep(Duration.ofSeconds(5));
        }
        assertThat(answer.status()).as("%s (%s)\n%s", step, answer, suite.serviceLog("claim", 20)).isEqualTo(expected);
        return answer;
    }

    private static Answer await(String step, Supplier<Answer> request, Predicate<Answer> done) {
        long deadline = System.nanoTime() + EVENTS.toNanos();
        Answer last = request.get();
        while (!done.test(last) && System.nanoTime() < deadline) {
            PublicApi.sleep(Duration.ofMillis(500));
            last = request.get();
        }
        assertThat(done.test(last)).as("%s within %s s; last answer: %s", step, EVENTS.toSeconds(), last).isTrue();
        return last;
    }

    private static List<String> subjects(String recipient) {
        List<String> subjects = new ArrayList<>();
        PublicApi.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(PublicApi.MAIL_SINK)).GET()).json().forEach(m -> {
            if (m.path("to").toString().contains(recipient) || m.path("to").isEmpty()) {
                subjects.add(m.path("to") + " " + m.path("subject").asText());
            }
        });
        return subjects;
    }

    private static JsonNode parse(String json) {
        try {
            return PublicApi.JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<String> identities(Answer answer) {
        Set<String> identities = new HashSet<>();
        answer.json().path("items").forEach(item -> identities.add(item.path("identity").asText()));
        return identities;
    }

    private static boolean allMatch(JsonNode items, Predicate<JsonNode> test) {
        for (JsonNode item : items) {
            if (!test.test(item)) {
                return false;
            }
        }
        return true;
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    /** The user id of an access token ({@code sub}), read from its payload as any client may. */
    private static String subject(String accessToken) {
        String payload = new String(Base64.getUrlDecoder().decode(accessToken.split("\\.")[1]), StandardCharsets.UTF_8);
        try {
            return PublicApi.JSON.readTree(payload).path("sub").asText();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
