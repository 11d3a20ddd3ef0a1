package io.everycloud.claim.device;

import static org.assertj.core.api.Assertions.assertThat;

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
 * not an event in the middle.
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

    private static Map.Entry<String, String> record(Envelope envelope) {
        return Map.entry(envelope.subject(), envelope.toJson());
    }
}
