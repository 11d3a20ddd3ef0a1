package io.everycloud.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;

import io.everycloud.e2e.PublicApi.Answer;

/**
 * The product as its users meet it: one local suite (real processes, broker, databases and mail
 * sink), started once, and journeys that run in order and build on each other (the OEM's devices
 * of journey a are claimed in b, ...). Everything is asserted through http://localhost:8080 and
 * the mail sink's http://localhost:8025/messages only. Events flow between services
 * asynchronously, so every "then the user sees" is polled with a bounded deadline.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JourneysIT {

    static final String OEM_EMAIL = "oem-operator@example.com";
    static final String OEM_PASSWORD = "Journeys-oem-" + UUID.randomUUID().toString().substring(0, 8);
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

    static SuiteProcess suite;
    static PublicApi api;
    static final Map<String, DeviceSimulator> devices = new LinkedHashMap<>();

    static String oemToken;
    static String userBEmail;
    static String userBPassword;
    static String userBToken;
    static String userCEmail;
    static String userCPassword = "Set-by-link-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void startTheSuiteOnce() throws Exception {
        Path repo = Path.of(System.getProperty("everycloud.repo", "../..")).toAbsolutePath().normalize();
        Path data = Path.of(System.getProperty("everycloud.suite-data", "target/suite-data")).toAbsolutePath().normalize()
                .resolveSibling("journeys-data");
        suite = new SuiteProcess(repo, data);
        suite.start(Map.of(
                "EVERYCLOUD_ADMIN_EMAIL", OEM_EMAIL,
                "EVERYCLOUD_ADMIN_PASSWORD", OEM_PASSWORD,
                "EVERYCLOUD_PRODUCT_ID", PRODUCT,
                "EVERYCLOUD_PUBLIC_URL", SuiteProcess.ADDRESS,
                // journey e switches it on through the API, as the OEM would
                "EnableFirmwareUpdate", "disabled"));
        api = new PublicApi(SuiteProcess.ADDRESS);
    }

    @AfterAll
    static void leaveNothingRunning() throws InterruptedException {
        if (suite != null) {
            assertThat(suite.stop()).as("processes of the suite left after it stopped").isEmpty();
        }
    }

    @Test
    @Order(1)
    void a_oemImportsDevicesThatActivateAndReportData() {
        oemToken = api.login(OEM_EMAIL, OEM_PASSWORD, "cli");

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
    void b_userSignsUpVerifiesAndClaimsTheSharedCode() {
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

        Answer claimed = claim(userBToken, SHARED_CODE, 200, "journey b, step: claim shared code");
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
    @Order(4)
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
    @Order(5)
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
    @Order(6)
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
    @Order(7)
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
    }

    // ---- helpers

    /** Access tokens live five minutes: each journey logs in again, as the portal would refresh. */
    private static void freshTokens() {
        oemToken = api.login(OEM_EMAIL, OEM_PASSWORD, "cli");
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
