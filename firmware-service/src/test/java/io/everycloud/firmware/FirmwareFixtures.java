package io.everycloud.firmware;

import static io.restassured.RestAssured.given;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import io.everycloud.events.Envelope;
import io.everycloud.events.RegistryEvents;
import io.everycloud.testkit.EventProbe;
import io.everycloud.testkit.Tokens;
import io.restassured.http.ContentType;

/** What the firmware tests share: the switch, uploads, devices fed in through the real broker. */
public final class FirmwareFixtures {

    public static final String PRODUCT = "dev-product";
    private static final AtomicInteger VERSIONS = new AtomicInteger();

    public static String oem() {
        return Tokens.bearer(Tokens.oem());
    }

    public static String user(UUID id) {
        return Tokens.bearer(Tokens.user(id));
    }

    public static void setSwitch(String value) {
        given().header("Authorization", oem()).contentType(ContentType.JSON)
                .body(Map.of("EnableFirmwareUpdate", value))
                .put("/api/firmware/settings").then().statusCode(200);
    }

    /** A version no other test uses. */
    public static String newVersion() {
        return "2." + VERSIONS.incrementAndGet() + "." + UUID.randomUUID().toString().substring(0, 6);
    }

    public static String metadata(String version, String type, String payloadJson) {
        return "{\"author\":\"QA\",\"product\":\"" + PRODUCT + "\",\"config_otau\":{\"version\":\"" + version
                + "\",\"name\":\"fw-" + version + "\",\"description\":null,\"type\":\"" + type + "\",\"payload\":"
                + payloadJson + "}}";
    }

    /** Uploads a URL_LIST package with the given bytes and returns its id. */
    public static String upload(String version, byte[] binary) {
        return given().header("Authorization", oem())
                .multiPart("file", "firmware.bin", binary, "application/octet-stream")
                .multiPart("metadata", "package_" + version + ".json",
                        metadata(version, "URL_LIST", "[]").getBytes(StandardCharsets.UTF_8), "application/json")
                .post("/api/firmware/packages").then().statusCode(201).extract().path("id");
    }

    public static byte[] bytes(int size, int seed) {
        byte[] data = new byte[size];
        new java.util.Random(seed).nextBytes(data);
        return data;
    }

    public static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A device known to the registry (and so to firmware-service), owned by the given users and with extra tags. */
    public static String device(String prefix, Map<String, List<String>> tags, UUID... owners) {
        String identity = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, List<String>> all = new java.util.HashMap<>(tags);
        if (owners.length > 0) {
            all.put("users", java.util.Arrays.stream(owners).map(UUID::toString).toList());
        }
        EventProbe.send(Envelope.of(identity, new RegistryEvents.DeviceProvisioned(identity, Map.of("claim_code", List.of(identity)), Instant.now())));
        EventProbe.send(Envelope.of(identity, new RegistryEvents.DeviceTagsChanged(identity, all)));
        String viewer = owners.length > 0 ? user(owners[0]) : oem();
        await("device " + identity + " known to firmware-service", () ->
                given().header("Authorization", viewer).get("/api/firmware/devices/" + identity).statusCode() == 200);
        return identity;
    }

    /** Activates the device with a token (the registry announces only its hash) and waits until it works. */
    public static String activate(String identity) {
        String token = UUID.randomUUID().toString().replace("-", "") + "abcdefgh";
        EventProbe.send(Envelope.of(identity, new RegistryEvents.DeviceActivated(identity,
                sha256(token.getBytes(StandardCharsets.UTF_8)), Instant.now())));
        await("token of " + identity + " accepted", () ->
                given().header("X-Exosite-CIK", token).get("/provision/download").statusCode() == 200);
        return token;
    }

    /** The device writes a resource through the registry: {@code resource.written.v1} with origin device. */
    public static void deviceWrites(String identity, String alias, String value) {
        EventProbe.send(Envelope.of(identity, new RegistryEvents.ResourceWritten(identity, alias, value,
                RegistryEvents.ResourceWritten.FROM_DEVICE, Instant.now())));
    }

    public static String otau(String version, String status, String message) {
        return "{\"version\":\"" + version + "\",\"status\":\"" + status + "\",\"message\":\"" + message + "\"}";
    }

    /** Waits for something the service does asynchronously (events), failing with a description. */
    public static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
        throw new AssertionError("not reached within 30 s: " + what);
    }

    private FirmwareFixtures() {
    }
}
