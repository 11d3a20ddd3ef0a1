package io.everycloud.claim;

import static io.restassured.RestAssured.given;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import io.everycloud.claim.code.ClaimCodeGenerator;
import io.everycloud.claim.device.DeviceRepository;
import io.everycloud.claim.device.DeviceState;
import io.everycloud.events.ClaimEvents;
import io.everycloud.events.Envelope;
import io.everycloud.events.RegistryEvents;
import io.everycloud.events.Topics;
import io.everycloud.testkit.EventProbe;
import io.everycloud.testkit.Tokens;
import io.quarkus.arc.Arc;
import io.restassured.specification.RequestSpecification;

/** What the claim tests share: devices fed through the real broker, callers, and waiting for effects. */
public final class Fixtures {

    /** Generous: CI machines run many builds at once; nothing here asserts on time. */
    public static final Duration EVENT_WAIT = Duration.ofSeconds(60);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A fresh device identity (tests share one database). */
    public static String identity(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A fresh strong claim code. */
    public static String code() {
        return Arc.container().instance(ClaimCodeGenerator.class).get().next();
    }

    /** Tags as the registry sends them. */
    public static Map<String, List<String>> tags(String code, Instant expires, UUID... users) {
        Map<String, List<String>> tags = new HashMap<>();
        if (code != null) {
            tags.put("claim_code", List.of(code));
        }
        if (expires != null) {
            tags.put("expires", List.of(Long.toString(expires.getEpochSecond())));
        }
        if (users.length > 0) {
            tags.put("users", java.util.Arrays.stream(users).map(UUID::toString).toList());
        }
        return tags;
    }

    /** The registry provisions a device; returns once claim-service's projection has it. */
    public static DeviceState provision(String identity, Map<String, List<String>> tags) {
        EventProbe.send(Envelope.of(identity, new RegistryEvents.DeviceProvisioned(identity, tags, Instant.now())));
        return awaitDevice(identity, device -> true);
    }

    /** The registry announces a device's full tag set; returns once the projection shows it. */
    public static DeviceState tagsChanged(String identity, Map<String, List<String>> tags, Predicate<DeviceState> applied) {
        EventProbe.send(Envelope.of(identity, new RegistryEvents.DeviceTagsChanged(identity, tags)));
        return awaitDevice(identity, applied);
    }

    public static DeviceState awaitDevice(String identity, Predicate<DeviceState> condition) {
        DeviceRepository devices = Arc.container().instance(DeviceRepository.class).get();
        await(() -> devices.find(identity).filter(condition).isPresent(), "device " + identity + " in the projection");
        return devices.find(identity).orElseThrow();
    }

    public static Optional<DeviceState> device(String identity) {
        return Arc.container().instance(DeviceRepository.class).get().find(identity);
    }

    public static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + EVENT_WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + EVENT_WAIT.toSeconds() + " s for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }

    /** A device resource written through the device API, as the registry announces it. */
    public static Envelope resourceWritten(String identity, String alias, String value) {
        return Envelope.of(identity, new RegistryEvents.ResourceWritten(identity, alias, value,
                RegistryEvents.ResourceWritten.FROM_DEVICE, Instant.now()));
    }

    /** The one ownership event of a type for a device that matches. */
    public static <T extends Record> T awaitOwnershipEvent(Class<T> type, String identity, Predicate<T> condition) {
        return EventProbe.awaitOne(Topics.CLAIM_OWNERSHIP,
                e -> e.is(type) && e.subject().equals(identity) && condition.test(e.dataAs(type)), EVENT_WAIT).dataAs(type);
    }

    /** Every ownership event of a type for a device now on the topic. */
    public static <T extends Record> List<T> ownershipEvents(Class<T> type, String identity) {
        return EventProbe.events(Topics.CLAIM_OWNERSHIP, e -> e.is(type) && e.subject().equals(identity)).stream()
                .map(e -> e.dataAs(type)).toList();
    }

    /** A request as an end user, from an address of its own (attempt limits count per address). */
    public static RequestSpecification asUser(UUID userId) {
        return given().header("Authorization", Tokens.bearer(Tokens.user(userId))).header("X-Forwarded-For", address());
    }

    public static RequestSpecification asOem() {
        return given().header("Authorization", Tokens.bearer(Tokens.oem()));
    }

    /** A random documentation-range address (TEST-NET-2 is 198.51.100.0/24; more room in 10/8). */
    public static String address() {
        return "10." + RANDOM.nextInt(256) + "." + RANDOM.nextInt(256) + "." + (1 + RANDOM.nextInt(254));
    }

    public static Map<String, String> claimBody(String code) {
        return Map.of("code", code);
    }

    /** Marker used when a test must know a partition was consumed past an event it expects to be ignored. */
    public static String markerCode() {
        return "MARK-" + UUID.randomUUID();
    }

    public static ClaimEvents.ClaimCodeSet awaitCodeSet(String identity, String code) {
        return awaitOwnershipEvent(ClaimEvents.ClaimCodeSet.class, identity, e -> e.claimCode().equals(code));
    }

    private Fixtures() {
    }
}
