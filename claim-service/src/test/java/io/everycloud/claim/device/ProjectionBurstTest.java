package io.everycloud.claim.device;

import static io.everycloud.claim.Fixtures.asUser;
import static io.everycloud.claim.Fixtures.claimBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.everycloud.claim.Fixtures;
import io.everycloud.events.Envelope;
import io.everycloud.events.RegistryEvents;
import io.everycloud.events.Topics;
import io.everycloud.testkit.EventProbe;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The projection takes the registry's events a poll at a time (one transaction per poll): a burst
 * as an import or a claim campaign sends it, with a device's later events and a record that is
 * not an event in the middle; the owner echoes of a claim campaign mixed with the OEM's changes.
 */
@QuarkusTest
class ProjectionBurstTest {

    @Test
    void aBurstOfDeviceEventsIsAppliedInOrderAndOnlyTheUnreadableRecordIsDeadLettered() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> identities = new ArrayList<>();
        List<Map.Entry<String, String>> burst = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String identity = "burst-" + run + "-" + i;
            identities.add(identity);
            burst.add(record(Envelope.of(identity, new RegistryEvents.DeviceProvisioned(identity,
                    Fixtures.tags("CODE-" + run + "-" + i, null), Instant.now()))));
        }
        UUID owner = UUID.randomUUID();
        String poison = "not an event " + run;
        burst.add(Map.entry(identities.get(0), poison));
        // later events of devices earlier in the burst: applied after their provisioning
        burst.add(record(Envelope.of(identities.get(1), new RegistryEvents.DeviceTagsChanged(identities.get(1),
                Fixtures.tags("CODE-" + run + "-1", null, owner)))));
        burst.add(record(Envelope.of(identities.get(2), new RegistryEvents.DeviceDeleted(identities.get(2), Instant.now()))));
        EventProbe.sendAllRaw(Topics.REGISTRY_DEVICE, burst);

        Fixtures.awaitDevice(identities.get(1), device -> device.users().equals(List.of(owner)));
        for (String identity : identities) {
            if (identity.equals(identities.get(2))) {
                continue;
            }
            assertThat(Fixtures.awaitDevice(identity, device -> true).claimCodes())
                    .as("the projection knows %s and its code", identity).hasSize(1);
        }
        Fixtures.await(() -> Fixtures.device(identities.get(2)).isEmpty(), "the deleted device gone from the projection");

        Fixtures.await(() -> EventProbe.records(Topics.REGISTRY_DEVICE + ".dlq").stream().map(ConsumerRecord::value)
                .anyMatch(poison::equals), "the unreadable record on registry.device.v1.dlq");
        List<String> deadLettered = EventProbe.records(Topics.REGISTRY_DEVICE + ".dlq").stream()
                .filter(r -> r.value().contains(run)).map(ConsumerRecord::value).toList();
        assertThat(deadLettered).as("only the unreadable record of the burst is dead-lettered").containsExactly(poison);
    }

    @Test
    void aBurstOfOwnerEchoesKeepsAnnouncedOwnersUntilEchoedAndThenFollowsTheRegistry() {
        String reset = Fixtures.identity("echo-reset");
        String stale = Fixtures.identity("echo-stale");
        String recoded = Fixtures.identity("echo-recoded");
        String fresh = Fixtures.identity("echo-new");
        String resetCode = claimed(reset);
        String staleCode = claimed(stale);
        String recodedCode = claimed(recoded);
        UUID resetOwner = Fixtures.device(reset).orElseThrow().users().get(0);
        UUID recodedOwner = Fixtures.device(recoded).orElseThrow().users().get(0);
        UUID freshOwner = UUID.randomUUID();
        String newCode = Fixtures.code();
        Instant marker = Instant.ofEpochSecond(Instant.now().plusSeconds(86_400).getEpochSecond());

        EventProbe.sendAllRaw(Topics.REGISTRY_DEVICE, List.of(
                // a snapshot from before the registry applied the claim, its echo, then the OEM's reset
                record(Envelope.of(reset, new RegistryEvents.DeviceTagsChanged(reset, Fixtures.tags(resetCode, null)))),
                record(Envelope.of(reset, new RegistryEvents.DeviceTagsChanged(reset, Fixtures.tags(resetCode, null, resetOwner)))),
                record(Envelope.of(reset, new RegistryEvents.DeviceTagsChanged(reset, Fixtures.tags(resetCode, null)))),
                // snapshots without the announced owner, before any echo: the owner stays
                record(Envelope.of(stale, new RegistryEvents.DeviceTagsChanged(stale, Fixtures.tags(staleCode, null)))),
                record(Envelope.of(stale, new RegistryEvents.DeviceTagsChanged(stale, Fixtures.tags(staleCode, marker)))),
                // the echo, then a new claim code on the owned device: a transfer opens
                record(Envelope.of(recoded, new RegistryEvents.DeviceTagsChanged(recoded, Fixtures.tags(recodedCode, null, recodedOwner)))),
                record(Envelope.of(recoded, new RegistryEvents.DeviceTagsChanged(recoded, Fixtures.tags(newCode, null, recodedOwner)))),
                // a device new here, and its owner in the same burst
                record(Envelope.of(fresh, new RegistryEvents.DeviceProvisioned(fresh, Fixtures.tags(null, null), Instant.now()))),
                record(Envelope.of(fresh, new RegistryEvents.DeviceTagsChanged(fresh, Fixtures.tags(null, null, freshOwner))))));

        Fixtures.awaitDevice(reset, device -> !device.isOwned());
        Fixtures.awaitDevice(stale, device -> marker.equals(device.expiresAt()));
        Fixtures.awaitDevice(recoded, DeviceState::transferOpen);
        assertThat(Fixtures.awaitDevice(fresh, DeviceState::isOwned).users()).containsExactly(freshOwner);

        asUser(UUID.randomUUID()).contentType("application/json").body(claimBody(resetCode)).post("/api/claims")
                .then().statusCode(200).body("devices", contains(reset));
        asUser(UUID.randomUUID()).contentType("application/json").body(claimBody(staleCode)).post("/api/claims")
                .then().statusCode(409);
        asUser(UUID.randomUUID()).contentType("application/json").body(claimBody(recodedCode)).post("/api/claims")
                .then().statusCode(404);
        UUID newOwner = UUID.randomUUID();
        asUser(newOwner).contentType("application/json").body(claimBody(newCode)).post("/api/claims")
                .then().statusCode(200).body("devices", contains(recoded));
        assertThat(Fixtures.device(recoded).orElseThrow().users()).containsExactly(newOwner);
    }

    /** A provisioned device claimed through the API by a user of its own; returns its claim code. */
    private static String claimed(String identity) {
        String code = Fixtures.code();
        Fixtures.provision(identity, Fixtures.tags(code, null));
        asUser(UUID.randomUUID()).contentType("application/json").body(claimBody(code)).post("/api/claims").then().statusCode(200);
        return code;
    }

    private static Map.Entry<String, String> record(Envelope envelope) {
        return Map.entry(envelope.subject(), envelope.toJson());
    }
}
