package io.everycloud.claim.deviceapi;

import static io.everycloud.claim.Fixtures.asUser;
import static io.everycloud.claim.Fixtures.claimBody;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.everycloud.claim.Fixtures;
import io.everycloud.events.ClaimEvents;
import io.everycloud.events.Envelope;
import io.everycloud.events.RegistryEvents;
import io.everycloud.events.UserEvents;
import io.everycloud.testkit.EventProbe;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The seed's "Device API Claiming", through the real broker: resource.written.v1 in,
 * ownership events out. Where a test expects an event to be ignored, a later marker event on the
 * same partition proves the ignored one was consumed.
 */
@QuarkusTest
class DeviceApiClaimingTest {

    @Test
    void anEmailWrittenByAnUnownedDeviceAsksUserServiceForTheAccount() {
        String identity = Fixtures.identity("email");
        Fixtures.provision(identity, Fixtures.tags(null, null));

        EventProbe.send(Fixtures.resourceWritten(identity, "pdaas_user_email", " New.Owner@example.com "));

        ClaimEvents.AccountRequested requested = Fixtures.awaitOwnershipEvent(ClaimEvents.AccountRequested.class, identity, e -> true);
        assertThat(requested.email()).isEqualTo("New.Owner@example.com");
    }

    @Test
    void theReadyAccountBecomesTheOwnerWithItsDefaultApps() {
        String identity = Fixtures.identity("ready");
        Fixtures.provision(identity, Fixtures.tags(null, null));
        UUID user = UUID.randomUUID();
        EventProbe.send(Envelope.of(user.toString(), new UserEvents.UserDataChanged(user, "app_myapp",
                JsonNodeFactory.instance.objectNode().put("default", true), Instant.now())));

        EventProbe.send(Envelope.of(user.toString(), new UserEvents.DeviceAccountReady(user, "owner@example.com", identity,
                true, "http://localhost:8080/password-reset?token=t", Instant.now().plusSeconds(3600))));

        ClaimEvents.OwnershipClaimed claimed = Fixtures.awaitOwnershipEvent(ClaimEvents.OwnershipClaimed.class, identity, e -> true);
        assertThat(claimed.userId()).isEqualTo(user);
        assertThat(claimed.method()).isEqualTo(ClaimEvents.BY_DEVICE_EMAIL);
        assertThat(claimed.apps()).containsExactly("myapp");
    }

    @Test
    void aDeviceThatHasAnOwnerCannotBeClaimedByEmail() {
        String identity = Fixtures.identity("owned-email");
        UUID owner = UUID.randomUUID();
        Fixtures.provision(identity, Fixtures.tags(null, null, owner));
        String unowned = Fixtures.identity("unowned-email");
        Fixtures.provision(unowned, Fixtures.tags(null, null));
        UUID requester = UUID.randomUUID();

        EventProbe.send(Fixtures.resourceWritten(identity, "pdaas_user_email", "someone@example.com"));
        EventProbe.send(Envelope.of(requester.toString(), new UserEvents.DeviceAccountReady(requester, "someone@example.com",
                identity, false, null, null)));
        // markers on the same partitions
        String marker = Fixtures.markerCode();
        EventProbe.send(Fixtures.resourceWritten(identity, "pdaas_claim_code", marker));
        EventProbe.send(Envelope.of(requester.toString(), new UserEvents.DeviceAccountReady(requester, "someone@example.com",
                unowned, false, null, null)));
        Fixtures.awaitCodeSet(identity, marker);
        Fixtures.awaitOwnershipEvent(ClaimEvents.OwnershipClaimed.class, unowned, e -> e.userId().equals(requester));

        assertThat(Fixtures.ownershipEvents(ClaimEvents.AccountRequested.class, identity)).isEmpty();
        assertThat(Fixtures.ownershipEvents(ClaimEvents.OwnershipClaimed.class, identity)).isEmpty();
        assertThat(Fixtures.device(identity).orElseThrow().users()).containsExactly(owner);
    }

    @Test
    void aClaimCodeWrittenByTheDeviceReplacesTheCode() {
        String identity = Fixtures.identity("devcode");
        Fixtures.provision(identity, Fixtures.tags(null, null));

        EventProbe.send(Fixtures.resourceWritten(identity, "pdaas_claim_code", "QR-ON-SCREEN-4711"));

        ClaimEvents.ClaimCodeSet set = Fixtures.awaitCodeSet(identity, "QR-ON-SCREEN-4711");
        assertThat(set.identity()).isEqualTo(identity);
        // the registry applies it and announces the tags; then a user claims with the device's code
        Fixtures.tagsChanged(identity, Fixtures.tags("QR-ON-SCREEN-4711", null),
                device -> device.claimCodes().contains("QR-ON-SCREEN-4711"));
        asUser(UUID.randomUUID()).contentType("application/json").body(claimBody("QR-ON-SCREEN-4711")).post("/api/claims")
                .then().statusCode(200);
    }

    @Test
    void aHardResetFromTheDeviceRemovesOwnersAndKeepsTheClaimCode() {
        String identity = Fixtures.identity("hardreset");
        String code = Fixtures.code();
        Fixtures.provision(identity, Fixtures.tags(code, null));
        asUser(UUID.randomUUID()).contentType("application/json").body(claimBody(code)).post("/api/claims").then().statusCode(200);

        EventProbe.send(Fixtures.resourceWritten(identity, "pdaas_reset", "true"));

        ClaimEvents.OwnershipReset reset = Fixtures.awaitOwnershipEvent(ClaimEvents.OwnershipReset.class, identity, e -> true);
        assertThat(reset.method()).isEqualTo(ClaimEvents.BY_DEVICE);
        asUser(UUID.randomUUID()).contentType("application/json").body(claimBody(code)).post("/api/claims").then().statusCode(200);
    }

    @Test
    void invalidValuesFromADeviceAreIgnoredAndTheConsumerCarriesOn() {
        String identity = Fixtures.identity("garbage");
        Fixtures.provision(identity, Fixtures.tags(null, null));

        EventProbe.send(Fixtures.resourceWritten(identity, "pdaas_user_email", "not-an-email"));
        EventProbe.send(Fixtures.resourceWritten(identity, "pdaas_user_email", null));
        EventProbe.send(Fixtures.resourceWritten(identity, "pdaas_claim_code", "   "));
        EventProbe.send(Fixtures.resourceWritten(identity, "pdaas_claim_code", "x".repeat(300)));
        EventProbe.send(Fixtures.resourceWritten(identity, "pdaas_reset", "maybe"));
        // written by the platform, not the device: not a device request
        EventProbe.send(Envelope.of(identity, new RegistryEvents.ResourceWritten(identity, "pdaas_reset", "true",
                RegistryEvents.ResourceWritten.FROM_PLATFORM, Instant.now())));
        EventProbe.sendRaw("registry.resource.v1", identity, "{ not json");
        String marker = Fixtures.markerCode();
        EventProbe.send(Fixtures.resourceWritten(identity, "pdaas_claim_code", marker));

        Fixtures.awaitCodeSet(identity, marker);
        assertThat(Fixtures.ownershipEvents(ClaimEvents.ClaimCodeSet.class, identity)).extracting(ClaimEvents.ClaimCodeSet::claimCode)
                .containsExactly(marker);
        assertThat(Fixtures.ownershipEvents(ClaimEvents.AccountRequested.class, identity)).isEmpty();
        assertThat(Fixtures.ownershipEvents(ClaimEvents.OwnershipReset.class, identity)).isEmpty();
    }

    @Test
    void anEventDeliveredTwiceIsAppliedOnce() {
        String identity = Fixtures.identity("twice");
        Fixtures.provision(identity, Fixtures.tags(null, null));
        Envelope reset = Fixtures.resourceWritten(identity, "pdaas_reset", "true");
        Envelope email = Fixtures.resourceWritten(identity, "pdaas_user_email", "twice@example.com");

        EventProbe.send(reset);
        EventProbe.send(reset);
        EventProbe.send(email);
        EventProbe.send(email);
        String marker = Fixtures.markerCode();
        EventProbe.send(Fixtures.resourceWritten(identity, "pdaas_claim_code", marker));
        Fixtures.awaitCodeSet(identity, marker);

        assertThat(Fixtures.ownershipEvents(ClaimEvents.OwnershipReset.class, identity)).hasSize(1);
        assertThat(Fixtures.ownershipEvents(ClaimEvents.AccountRequested.class, identity)).hasSize(1);
    }
}
