package io.everycloud.registry.ownership;

import static io.everycloud.registry.Fleet.newIdentity;
import static io.everycloud.registry.Fleet.oem;
import static io.everycloud.registry.Fleet.provision;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import io.everycloud.events.ClaimEvents;
import io.everycloud.events.Envelope;
import io.everycloud.events.RegistryEvents;
import io.everycloud.events.Topics;
import io.everycloud.testkit.EventProbe;
import io.everycloud.testkit.TestInfrastructure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * A burst of ownership events (a claim campaign), consumed in batches: every device gets its owner,
 * a device claimed and transferred within the burst ends with the second owner, and each event is
 * announced by exactly one tags-changed, in order.
 */
@QuarkusTest
class OwnershipBurstTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @Inject
    MeterRegistry meters;

    @Test
    void aBurstOf200OwnershipEventsGivesEveryDeviceItsOwnerWithOneTagsChangedPerEvent() {
        String prefix = newIdentity("burst");
        List<String> devices = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            devices.add(prefix + "-" + i);
            provision(prefix + "-" + i);
        }
        Map<String, UUID> firstOwner = new HashMap<>();
        Map<String, UUID> finalOwner = new HashMap<>();
        List<Envelope> burst = new ArrayList<>();
        for (String identity : devices) {
            UUID user = UUID.randomUUID();
            firstOwner.put(identity, user);
            finalOwner.put(identity, user);
            burst.add(Envelope.of(identity, new ClaimEvents.OwnershipClaimed(identity, user, List.of("ext_burst"),
                    ClaimEvents.BY_CODE, Instant.now())));
        }
        // a third of the devices change hands within the same burst, right behind their claim
        for (int i = 0; i < 50; i++) {
            String identity = devices.get(i * 3);
            UUID next = UUID.randomUUID();
            burst.add(Envelope.of(identity, new ClaimEvents.OwnershipTransferred(identity, firstOwner.get(identity), next,
                    List.of(), Instant.now())));
            finalOwner.put(identity, next);
        }
        assertThat(burst).hasSize(200);
        // and, amid the claims, one for a device that was deleted meanwhile: ignored, never announced
        String unknown = prefix + "-deleted";
        burst.add(75, Envelope.of(unknown, new ClaimEvents.OwnershipClaimed(unknown, UUID.randomUUID(), List.of(),
                ClaimEvents.BY_CODE, Instant.now())));
        double appliedBefore = applied();
        send(burst);

        List<Envelope> announced = EventProbe.await(Topics.REGISTRY_DEVICE, e -> e.is(RegistryEvents.DeviceTagsChanged.class)
                && e.subject().startsWith(prefix + "-"), 200, WAIT);
        Map<String, List<RegistryEvents.DeviceTagsChanged>> perDevice = announced.stream().collect(Collectors.groupingBy(
                Envelope::subject, Collectors.mapping(e -> e.dataAs(RegistryEvents.DeviceTagsChanged.class), Collectors.toList())));
        for (String identity : devices) {
            boolean transferred = !finalOwner.get(identity).equals(firstOwner.get(identity));
            List<RegistryEvents.DeviceTagsChanged> changes = perDevice.get(identity);
            assertThat(changes).as("tags-changed of %s", identity).hasSize(transferred ? 2 : 1);
            assertThat(changes.get(0).tags()).containsEntry("users", List.of(firstOwner.get(identity).toString()))
                    .containsEntry("apps", List.of("ext_burst"));
            assertThat(changes.get(changes.size() - 1).tags()).containsEntry("users", List.of(finalOwner.get(identity).toString()));
            assertThat(tags(identity)).containsEntry("users", List.of(finalOwner.get(identity).toString()))
                    .containsEntry("apps", List.of("ext_burst"));
        }
        assertThat(perDevice).doesNotContainKey(unknown);
        assertThat(EventProbe.events(Topics.REGISTRY_DEVICE, e -> e.is(RegistryEvents.DeviceTagsChanged.class)
                && e.subject().startsWith(prefix + "-"))).hasSize(200);
        assertThat(applied()).isGreaterThanOrEqualTo(appliedBefore + 201);
    }

    private double applied() {
        Counter counter = meters.find("everycloud.inbox.applied").tag("consumer", OwnershipListener.CONSUMER).counter();
        return counter == null ? 0 : counter.count();
    }

    /** One producer for the whole burst, as claim-service's relay sends a busy minute's decisions. */
    private static void send(List<Envelope> events) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafka().bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, "50",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (Envelope event : events) {
                sent.add(producer.send(new ProducerRecord<>(Topics.CLAIM_OWNERSHIP, event.subject(), event.toJson())));
            }
            producer.flush();
            for (Future<RecordMetadata> future : sent) {
                future.get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not publish the burst: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, List<String>> tags(String identity) {
        return given().header("Authorization", oem()).contentType(ContentType.JSON)
                .when().get("/api/devices/{id}/tags", identity).then().statusCode(200).extract().as(Map.class);
    }
}
