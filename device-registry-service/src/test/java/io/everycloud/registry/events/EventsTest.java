package io.everycloud.registry.events;

import static io.everycloud.registry.Fleet.newIdentity;
import static io.everycloud.registry.Fleet.oem;
import static io.everycloud.registry.Fleet.post;
import static io.everycloud.registry.Fleet.provision;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.everycloud.events.ClaimEvents;
import io.everycloud.events.Envelope;
import io.everycloud.events.FirmwareEvents;
import io.everycloud.events.RegistryEvents;
import io.everycloud.events.Topics;
import io.everycloud.registry.Await;
import io.everycloud.registry.Fleet;
import io.everycloud.registry.deviceapi.DeviceTokens;
import io.everycloud.registry.resource.LongPolls;
import io.everycloud.testkit.EventProbe;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Events published through the outbox and consumed through the inbox, on the real broker. */
@QuarkusTest
class EventsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    LongPolls polls;

    @Test
    void theDeviceLifecycleIsAnnouncedOnTheDeviceTopic() {
        String identity = newIdentity("life");
        provision(identity);
        var provisioned = EventProbe.awaitOne(Topics.REGISTRY_DEVICE,
                e -> e.is(RegistryEvents.DeviceProvisioned.class) && e.subject().equals(identity), WAIT)
                .dataAs(RegistryEvents.DeviceProvisioned.class);
        assertThat(provisioned.tags()).containsEntry("claim_code", List.of(identity));

        String token = Fleet.activate(identity);
        var activated = EventProbe.awaitOne(Topics.REGISTRY_DEVICE,
                e -> e.is(RegistryEvents.DeviceActivated.class) && e.subject().equals(identity), WAIT)
                .dataAs(RegistryEvents.DeviceActivated.class);
        assertThat(activated.tokenHash()).isEqualTo(DeviceTokens.hash(token)).matches("[0-9a-f]{64}");

        Fleet.setTag(identity, "region", List.of("eu"));
        var changed = EventProbe.awaitOne(Topics.REGISTRY_DEVICE,
                e -> e.is(RegistryEvents.DeviceTagsChanged.class) && e.subject().equals(identity), WAIT)
                .dataAs(RegistryEvents.DeviceTagsChanged.class);
        assertThat(changed.tags()).containsEntry("region", List.of("eu")).containsEntry("claim_code", List.of(identity));

        given().header("Authorization", oem()).when().post("/api/devices/{id}/reactivate", identity).then().statusCode(200);
        EventProbe.awaitOne(Topics.REGISTRY_DEVICE, e -> e.is(RegistryEvents.DeviceReset.class) && e.subject().equals(identity), WAIT);
        given().header("Authorization", oem()).when().delete("/api/devices/{id}", identity).then().statusCode(204);
        EventProbe.awaitOne(Topics.REGISTRY_DEVICE, e -> e.is(RegistryEvents.DeviceDeleted.class) && e.subject().equals(identity), WAIT);
    }

    @Test
    void deviceWritesOfReservedAliasesAreAnnouncedAndOthersAreNot() {
        String identity = newIdentity("announce");
        String token = Fleet.provisionAndActivate(identity);
        assertThat(post("/onep:v1/stack/alias", token, "temp=20&pdaas_user_email=ann%40example.com").statusCode()).isEqualTo(204);
        assertThat(post("/onep:v1/stack/alias", token, "pdaas_reset=true").statusCode()).isEqualTo(204);

        EventProbe.awaitOne(Topics.REGISTRY_RESOURCE, e -> e.subject().equals(identity)
                && e.dataAs(RegistryEvents.ResourceWritten.class).alias().equals("pdaas_reset"), WAIT);
        List<RegistryEvents.ResourceWritten> written = EventProbe.events(Topics.REGISTRY_RESOURCE,
                e -> e.subject().equals(identity)).stream().map(e -> e.dataAs(RegistryEvents.ResourceWritten.class)).toList();
        assertThat(written).extracting(RegistryEvents.ResourceWritten::alias).containsExactly("pdaas_user_email", "pdaas_reset");
        assertThat(written.get(0).value()).isEqualTo("ann@example.com");
        assertThat(written.get(0).origin()).isEqualTo("device");
    }

    @Test
    void concurrentDeviceWritesAreEachAnnouncedOnceInOrderPerDevice() {
        List<String> identities = java.util.stream.IntStream.range(0, 6).mapToObj(i -> newIdentity("group")).toList();
        List<String> tokens = identities.stream().map(Fleet::provisionAndActivate).toList();
        // the devices write at the same time, so their writes share group commits (and outbox rows)
        List<CompletableFuture<Void>> devices = new java.util.ArrayList<>();
        for (String token : tokens) {
            devices.add(CompletableFuture.runAsync(() -> {
                for (int n = 0; n < 25; n++) {
                    assertThat(post("/onep:v1/stack/alias", token, "data_in=" + n).statusCode()).isEqualTo(204);
                }
            }));
        }
        devices.forEach(CompletableFuture::join);

        List<Envelope> events = EventProbe.await(Topics.REGISTRY_RESOURCE, e -> identities.contains(e.subject()), 150, WAIT);
        assertThat(events).hasSize(150).extracting(Envelope::id).doesNotHaveDuplicates();
        for (String identity : identities) {
            assertThat(events.stream().filter(e -> e.subject().equals(identity))
                    .map(e -> e.dataAs(RegistryEvents.ResourceWritten.class).value()))
                    .as("the writes of %s, one record each, in the order written", identity)
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 25).mapToObj(Integer::toString).toList());
        }
    }

    @Test
    void ownershipEventsSetUsersAndAppsOnce() {
        String identity = newIdentity("owned");
        provision(identity);
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();

        Envelope claimed = Envelope.of(identity, new ClaimEvents.OwnershipClaimed(identity, first, List.of("ext_dash"),
                ClaimEvents.BY_CODE, Instant.now()));
        EventProbe.send(claimed);
        EventProbe.send(claimed);
        awaitTag(identity, "users", List.of(first.toString()));
        assertThat(tags(identity)).containsEntry("apps", List.of("ext_dash"));

        EventProbe.send(Envelope.of(identity, new ClaimEvents.OwnershipTransferred(identity, first, second,
                List.of("ext_more"), Instant.now())));
        awaitTag(identity, "users", List.of(second.toString()));
        assertThat(tags(identity)).containsEntry("apps", List.of("ext_dash", "ext_more"));

        EventProbe.send(Envelope.of(identity, new ClaimEvents.ClaimCodeSet(identity, "NEW-CODE", Instant.now())));
        awaitTag(identity, "claim_code", List.of("NEW-CODE"));

        EventProbe.send(Envelope.of(identity, new ClaimEvents.OwnershipReleased(identity, second, ClaimEvents.BY_OWNER,
                Instant.now())));
        Await.until("users and apps are cleared", () -> !tags(identity).containsKey("users") && !tags(identity).containsKey("apps"));

        EventProbe.send(Envelope.of(identity, new ClaimEvents.OwnershipClaimed(identity, first, List.of(), ClaimEvents.BY_CODE,
                Instant.now())));
        awaitTag(identity, "users", List.of(first.toString()));
        EventProbe.send(Envelope.of(identity, new ClaimEvents.OwnershipReset(identity, ClaimEvents.BY_DEVICE, Instant.now())));
        Await.until("the reset removes the owner", () -> !tags(identity).containsKey("users"));
        assertThat(tags(identity)).containsEntry("claim_code", List.of("NEW-CODE"));

        // the duplicate claim was applied once: one tags-changed per distinct ownership event
        List<Envelope> announced = EventProbe.await(Topics.REGISTRY_DEVICE,
                e -> e.is(RegistryEvents.DeviceTagsChanged.class) && e.subject().equals(identity), 6, WAIT);
        assertThat(announced).hasSize(6);
        assertThat(announced.get(0).dataAs(RegistryEvents.DeviceTagsChanged.class).tags())
                .containsEntry("users", List.of(first.toString()));
    }

    @Test
    void aConfigOtauCommandWritesTheResourceAndAnswersTheDevicesLongPoll() throws Exception {
        String identity = newIdentity("otau");
        String token = Fleet.provisionAndActivate(identity);
        int before = polls.held();
        CompletableFuture<HttpResponse<String>> poll = Fleet.getAsync("/onep:v1/stack/alias?config_otau", token,
                "Request-Timeout", "300000");
        Await.until("the long poll is held", () -> polls.held() > before);

        var configOtau = new ObjectMapper().readTree("{\"version\":\"1.0.1\",\"type\":\"URL_LIST\",\"payload\":[\"u\"]}");
        EventProbe.send(Envelope.of(identity, new FirmwareEvents.ConfigOtauCommand(identity, UUID.randomUUID(), configOtau,
                Instant.now())));

        HttpResponse<String> answer = poll.get(30, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(200);
        String value = java.net.URLDecoder.decode(answer.body().substring("config_otau=".length()), "UTF-8");
        assertThat(new ObjectMapper().readTree(value)).isEqualTo(configOtau);

        var written = EventProbe.awaitOne(Topics.REGISTRY_RESOURCE, e -> e.subject().equals(identity), WAIT)
                .dataAs(RegistryEvents.ResourceWritten.class);
        assertThat(written.alias()).isEqualTo("config_otau");
        assertThat(written.origin()).isEqualTo("platform");
    }

    @Test
    void aPoisonMessageGoesToTheDeadLetterTopicAndLaterEventsStillApply() {
        String identity = newIdentity("poison");
        provision(identity);
        EventProbe.sendRaw(Topics.CLAIM_OWNERSHIP, identity, "{not json");
        EventProbe.send(Envelope.of(identity, new ClaimEvents.ClaimCodeSet(identity, "AFTER", Instant.now())));
        awaitTag(identity, "claim_code", List.of("AFTER"));
        Await.until("the poison message is dead-lettered", () -> EventProbe.records(Topics.deadLetter(Topics.CLAIM_OWNERSHIP))
                .stream().anyMatch(r -> "{not json".equals(r.value())));
    }

    private static Map<String, List<String>> tags(String identity) {
        return given().header("Authorization", oem()).contentType(ContentType.JSON)
                .when().get("/api/devices/{id}/tags", identity).then().statusCode(200).extract().as(Map.class);
    }

    private static void awaitTag(String identity, String name, List<String> values) {
        Await.until(name + " = " + values, () -> values.equals(tags(identity).get(name)));
    }
}
