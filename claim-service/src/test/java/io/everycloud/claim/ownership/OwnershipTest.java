package io.everycloud.claim.ownership;

import static io.everycloud.claim.Fixtures.asOem;
import static io.everycloud.claim.Fixtures.asUser;
import static io.everycloud.claim.Fixtures.claimBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.everycloud.claim.Fixtures;
import io.everycloud.events.ClaimEvents;
import io.everycloud.events.Envelope;
import io.everycloud.events.UserEvents;
import io.everycloud.testkit.EventProbe;
import io.everycloud.testkit.Tokens;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class OwnershipTest {

    /** A provisioned device claimed by a user; returns the claim code. */
    private static String claimedDevice(String identity, UUID owner) {
        String code = Fixtures.code();
        Fixtures.provision(identity, Fixtures.tags(code, null));
        asUser(owner).contentType("application/json").body(claimBody(code)).post("/api/claims").then().statusCode(200);
        return code;
    }

    @Test
    void theOwnerReleasesTheirDeviceAndSomeoneElseCanClaimIt() {
        String identity = Fixtures.identity("release");
        UUID owner = UUID.randomUUID();
        String code = claimedDevice(identity, owner);

        asUser(owner).delete("/api/ownership/" + identity).then().statusCode(204);

        ClaimEvents.OwnershipReleased released = Fixtures.awaitOwnershipEvent(ClaimEvents.OwnershipReleased.class, identity, e -> true);
        assertThat(released.userId()).isEqualTo(owner);
        assertThat(released.method()).isEqualTo(ClaimEvents.BY_OWNER);
        asUser(UUID.randomUUID()).contentType("application/json").body(claimBody(code)).post("/api/claims")
                .then().statusCode(200).body("devices", contains(identity));
    }

    @Test
    void anotherUsersDeviceCannotBeReleasedAndLooksAbsent() {
        String identity = Fixtures.identity("foreign");
        UUID owner = UUID.randomUUID();
        claimedDevice(identity, owner);

        asUser(UUID.randomUUID()).delete("/api/ownership/" + identity).then().statusCode(404)
                .contentType("application/problem+json");
        asUser(UUID.randomUUID()).delete("/api/ownership/no-such-device").then().statusCode(404);
        asUser(UUID.randomUUID()).contentType("application/json").body(Map.of("code", "NEW-CODE-1"))
                .put("/api/ownership/" + identity + "/claim-code").then().statusCode(404);
        asUser(UUID.randomUUID()).get("/api/ownership/" + identity + "/history").then().statusCode(403);
        assertThat(Fixtures.device(identity).orElseThrow().users()).containsExactly(owner);
    }

    @Test
    void theOemResetsADeviceAndItCanBeClaimedAgainWithTheSameCode() {
        String identity = Fixtures.identity("reset");
        String code = claimedDevice(identity, UUID.randomUUID());

        asOem().delete("/api/ownership/" + identity).then().statusCode(204);

        ClaimEvents.OwnershipReset reset = Fixtures.awaitOwnershipEvent(ClaimEvents.OwnershipReset.class, identity, e -> true);
        assertThat(reset.method()).isEqualTo(ClaimEvents.BY_OEM);
        UUID next = UUID.randomUUID();
        asUser(next).contentType("application/json").body(claimBody(code)).post("/api/claims").then().statusCode(200);
        asOem().delete("/api/ownership/never-provisioned-" + UUID.randomUUID().toString().substring(0, 8)).then().statusCode(404);
    }

    @Test
    void aNewClaimCodeSetInTheRegistryTransfersOwnershipToTheNextClaimer() {
        String identity = Fixtures.identity("transfer");
        UUID oldOwner = UUID.randomUUID();
        claimedDevice(identity, oldOwner);
        String newCode = Fixtures.code();
        // the OEM edits the claim_code tag; the registry announces the full tags (owner as it applied it)
        Fixtures.tagsChanged(identity, Fixtures.tags(newCode, null, oldOwner), device -> device.transferOpen());

        UUID newOwner = UUID.randomUUID();
        asUser(newOwner).contentType("application/json").body(claimBody(newCode)).post("/api/claims")
                .then().statusCode(200).body("devices", contains(identity));

        ClaimEvents.OwnershipTransferred transferred = Fixtures.awaitOwnershipEvent(ClaimEvents.OwnershipTransferred.class,
                identity, e -> true);
        assertThat(transferred.fromUserId()).isEqualTo(oldOwner);
        assertThat(transferred.toUserId()).isEqualTo(newOwner);
        // the old owner has lost the device, and the transfer was used up
        asUser(oldOwner).delete("/api/ownership/" + identity).then().statusCode(404);
        asUser(UUID.randomUUID()).contentType("application/json").body(claimBody(newCode)).post("/api/claims")
                .then().statusCode(409);
        asOem().queryParam("action", "transferred").queryParam("identity", identity).get("/api/ownership/ledger")
                .then().statusCode(200).body("items", hasSize(1))
                .body("items[0].previousUserId", equalTo(oldOwner.toString()))
                .body("items[0].userId", equalTo(newOwner.toString()));
    }

    @Test
    void theOwnerCanSetANewCodeToHandTheDeviceOver() {
        String identity = Fixtures.identity("handover");
        UUID oldOwner = UUID.randomUUID();
        claimedDevice(identity, oldOwner);

        String newCode = asUser(oldOwner).contentType("application/json").body("{}")
                .put("/api/ownership/" + identity + "/claim-code").then().statusCode(200)
                .body("weak", equalTo(false)).extract().path("code");
        Fixtures.awaitCodeSet(identity, newCode);

        UUID newOwner = UUID.randomUUID();
        asUser(newOwner).contentType("application/json").body(claimBody(newCode)).post("/api/claims").then().statusCode(200);
        Fixtures.awaitOwnershipEvent(ClaimEvents.OwnershipTransferred.class, identity, e -> e.toUserId().equals(newOwner));

        asOem().contentType("application/json").body(Map.of("code", identity))
                .put("/api/ownership/" + identity + "/claim-code").then().statusCode(200).body("weak", equalTo(true));
        asOem().contentType("application/json").body(Map.of("code", " "))
                .put("/api/ownership/" + identity + "/claim-code").then().statusCode(400).body("errors[0].field", equalTo("code"));
    }

    @Test
    void theRegistrysUsersTagIsTheTruthAboutOwners() {
        String identity = Fixtures.identity("assigned");
        String code = Fixtures.code();
        UUID assigned = UUID.randomUUID();
        // the OEM assigns the device by adding a user to the users tag
        Fixtures.provision(identity, Fixtures.tags(code, null, assigned));
        asUser(UUID.randomUUID()).contentType("application/json").body(claimBody(code)).post("/api/claims").then().statusCode(409);

        // the OEM removes the users tag to reset ownership
        Fixtures.tagsChanged(identity, Fixtures.tags(code, null), device -> !device.isOwned());
        asUser(UUID.randomUUID()).contentType("application/json").body(claimBody(code)).post("/api/claims").then().statusCode(200);
    }

    @Test
    void anOlderRegistrySnapshotDoesNotReopenAJustClaimedDevice() {
        String identity = Fixtures.identity("stale");
        UUID owner = UUID.randomUUID();
        String code = claimedDevice(identity, owner);
        // tags the registry announced before it applied the claim (say, the OEM changed another tag)
        Map<String, List<String>> stale = Fixtures.tags(code, null);
        stale.put("location", List.of("lab"));
        EventProbe.send(Envelope.of(identity, new io.everycloud.events.RegistryEvents.DeviceTagsChanged(identity, stale)));
        // a later snapshot of the same partition (only `expires` differs) tells when the stale one was applied
        Instant marker = Instant.ofEpochSecond(Instant.now().plusSeconds(86_400).getEpochSecond());
        Fixtures.tagsChanged(identity, Fixtures.tags(code, marker), device -> marker.equals(device.expiresAt()));

        assertThat(Fixtures.device(identity).orElseThrow().users()).containsExactly(owner);
        asUser(UUID.randomUUID()).contentType("application/json").body(claimBody(code)).post("/api/claims")
                .then().statusCode(409);
        // once the registry echoes the claim, its snapshots are the truth again
        Fixtures.tagsChanged(identity, Fixtures.tags(code, null, owner), device -> device.pendingUsers() == null);
    }

    @Test
    void aDeletedAccountOwnsNothingAnyMore() {
        UUID owner = UUID.randomUUID();
        String first = Fixtures.identity("deleted-a");
        String second = Fixtures.identity("deleted-b");
        claimedDevice(first, owner);
        claimedDevice(second, owner);

        EventProbe.send(Envelope.of(owner.toString(), new UserEvents.AccountDeleted(owner, Instant.now())));

        for (String identity : List.of(first, second)) {
            ClaimEvents.OwnershipReleased released = Fixtures.awaitOwnershipEvent(ClaimEvents.OwnershipReleased.class,
                    identity, e -> e.userId().equals(owner));
            assertThat(released.method()).isEqualTo(OwnershipService.BY_ACCOUNT_DELETION);
        }
    }

    @Test
    void theLedgerTellsWhoChangedOwnershipWhenAndHow() {
        String identity = Fixtures.identity("ledger");
        UUID owner = UUID.randomUUID();
        claimedDevice(identity, owner);
        asUser(owner).delete("/api/ownership/" + identity).then().statusCode(204);
        asOem().delete("/api/ownership/" + identity).then().statusCode(204);

        asOem().get("/api/ownership/" + identity + "/history").then().statusCode(200)
                .body("items.action", contains("claimed", "released", "reset"))
                .body("items.method", contains("claim-code", "owner", "oem"))
                .body("items.actor", contains(owner.toString(), owner.toString(), Tokens.OEM_ID))
                .body("items[0].recordedAt", notNullValue())
                .body("nextCursor", nullValue());

        String cursor = asOem().queryParam("limit", "2").get("/api/ownership/" + identity + "/history").then().statusCode(200)
                .body("items", hasSize(2)).body("nextCursor", notNullValue()).extract().path("nextCursor");
        asOem().queryParam("limit", "2").queryParam("cursor", cursor).get("/api/ownership/" + identity + "/history")
                .then().statusCode(200).body("items.action", contains("reset")).body("nextCursor", nullValue());
        asOem().queryParam("userId", owner.toString()).get("/api/ownership/ledger").then().statusCode(200)
                .body("items.action", contains("claimed", "released"));
    }

    @Test
    void ledgerQueriesAreValidated() {
        asOem().queryParam("action", "stolen").get("/api/ownership/ledger").then().statusCode(400)
                .body("errors[0].field", equalTo("action"));
        asOem().queryParam("userId", "me").get("/api/ownership/ledger").then().statusCode(400)
                .body("errors[0].field", equalTo("userId"));
        asOem().queryParam("limit", "501").get("/api/ownership/ledger").then().statusCode(400)
                .body("errors[0].field", equalTo("limit"));
        asOem().queryParam("cursor", "!!").get("/api/ownership/ledger").then().statusCode(400);
        asUser(UUID.randomUUID()).get("/api/ownership/ledger").then().statusCode(403);
    }
}
