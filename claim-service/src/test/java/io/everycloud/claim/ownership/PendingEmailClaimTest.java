package io.everycloud.claim.ownership;

import static io.everycloud.claim.Fixtures.asOem;
import static io.everycloud.claim.Fixtures.asUser;
import static io.everycloud.claim.Fixtures.claimBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.everycloud.claim.Fixtures;
import io.everycloud.events.ClaimEvents;
import io.everycloud.events.Envelope;
import io.everycloud.events.RegistryEvents;
import io.everycloud.events.UserEvents;
import io.everycloud.testkit.EventProbe;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Claims by email that come before their device: user-service's device-account-ready on
 * user.account.v1 for a device that registry.device.v1 has not brought to the projection yet
 * (the two topics are consumed apart). The request waits and is applied when the device arrives.
 */
@QuarkusTest
class PendingEmailClaimTest {

    /** Past the default claim.device-email-claim-window (7 days). */
    private static final Duration PAST_THE_WINDOW = Duration.ofDays(8);

    @Inject
    AgroalDataSource dataSource;

    @Inject
    PendingEmailClaimRepository pendingClaims;

    @Test
    void aClaimByEmailForADeviceNotKnownYetIsAppliedWhenTheDeviceArrives() {
        String identity = Fixtures.identity("early-email");
        UUID user = UUID.randomUUID();

        EventProbe.send(accountReady(user, identity, Instant.now()));
        Fixtures.await(() -> waiting(identity).equals(Optional.of(user)), "the claim by email parked for " + identity);
        Fixtures.provision(identity, Fixtures.tags(null, null));

        ClaimEvents.OwnershipClaimed claimed = Fixtures.awaitOwnershipEvent(ClaimEvents.OwnershipClaimed.class, identity, e -> true);
        assertThat(claimed.userId()).isEqualTo(user);
        assertThat(claimed.method()).isEqualTo(ClaimEvents.BY_DEVICE_EMAIL);
        asOem().get("/api/ownership/" + identity + "/history").then().statusCode(200)
                .body("items.action", contains("claimed"))
                .body("items.method", contains(ClaimEvents.BY_DEVICE_EMAIL))
                .body("items.userId", contains(user.toString()))
                .body("items.actor", contains(OwnershipService.ACTOR_DEVICE));
        assertThat(Fixtures.device(identity).orElseThrow().users()).containsExactly(user);
        assertThat(waiting(identity)).isEmpty();
    }

    @Test
    void aClaimByEmailAndItsDeviceArrivingTogetherEndWithTheDeviceClaimed() {
        String identity = Fixtures.identity("together-email");
        UUID user = UUID.randomUUID();

        // no waiting in between: either consumer may get there first
        EventProbe.send(accountReady(user, identity, Instant.now()));
        EventProbe.send(Envelope.of(identity, new RegistryEvents.DeviceProvisioned(identity, Fixtures.tags(null, null), Instant.now())));

        ClaimEvents.OwnershipClaimed claimed = Fixtures.awaitOwnershipEvent(ClaimEvents.OwnershipClaimed.class, identity, e -> true);
        assertThat(claimed.userId()).isEqualTo(user);
        assertThat(claimed.method()).isEqualTo(ClaimEvents.BY_DEVICE_EMAIL);
        Fixtures.awaitDevice(identity, device -> device.users().equals(List.of(user)));
        assertThat(waiting(identity)).isEmpty();
    }

    @Test
    void aDeviceThatArrivesWithAnOwnerKeepsItAndTheWaitingClaimIsDropped() {
        String identity = Fixtures.identity("early-owned");
        UUID requester = UUID.randomUUID();
        UUID owner = UUID.randomUUID();
        EventProbe.send(accountReady(requester, identity, Instant.now()));
        Fixtures.await(() -> waiting(identity).isPresent(), "the claim by email parked for " + identity);

        Fixtures.provision(identity, Fixtures.tags(null, null, owner));

        assertThat(waiting(identity)).isEmpty();
        assertThat(Fixtures.device(identity).orElseThrow().users()).containsExactly(owner);
        asOem().get("/api/ownership/" + identity + "/history").then().statusCode(200).body("items", empty());
        // a later event of the device on claim.ownership.v1: any claim would have been published before it
        asUser(owner).delete("/api/ownership/" + identity).then().statusCode(204);
        Fixtures.awaitOwnershipEvent(ClaimEvents.OwnershipReleased.class, identity, e -> e.userId().equals(owner));
        assertThat(Fixtures.ownershipEvents(ClaimEvents.OwnershipClaimed.class, identity)).isEmpty();
    }

    @Test
    void theNewestClaimByEmailForADeviceWinsWhateverOrderTheyArriveIn() {
        String identity = Fixtures.identity("two-emails");
        UUID first = UUID.randomUUID();
        UUID newest = UUID.randomUUID();
        UUID late = UUID.randomUUID();
        Instant now = Instant.now();
        Envelope fromFirst = accountReady(first, identity, now.minusSeconds(120));
        Envelope fromNewest = accountReady(newest, identity, now);
        // announced before the newest, consumed after it (user-service keys its events by user: other partitions)
        Envelope fromLate = accountReady(late, identity, now.minusSeconds(60));
        EventProbe.send(fromFirst);
        EventProbe.send(fromNewest);
        awaitConsumed(fromFirst);
        awaitConsumed(fromNewest);
        EventProbe.send(fromLate);
        awaitConsumed(fromLate);
        assertThat(waiting(identity)).contains(newest);

        Fixtures.provision(identity, Fixtures.tags(null, null));

        ClaimEvents.OwnershipClaimed claimed = Fixtures.awaitOwnershipEvent(ClaimEvents.OwnershipClaimed.class, identity, e -> true);
        assertThat(claimed.userId()).isEqualTo(newest);
        asOem().get("/api/ownership/" + identity + "/history").then().statusCode(200)
                .body("items.userId", contains(newest.toString()));
    }

    @Test
    void aWaitingClaimByEmailPastTheWindowIsNotAppliedAndTheDeviceStaysClaimable() {
        String identity = Fixtures.identity("stale-email");
        String code = Fixtures.code();
        UUID requester = UUID.randomUUID();
        EventProbe.send(accountReady(requester, identity, Instant.now()));
        Fixtures.await(() -> waiting(identity).isPresent(), "the claim by email parked for " + identity);
        age(identity, PAST_THE_WINDOW);

        Fixtures.provision(identity, Fixtures.tags(code, null));

        assertThat(waiting(identity)).isEmpty();
        assertThat(Fixtures.device(identity).orElseThrow().users()).isEmpty();
        asOem().get("/api/ownership/" + identity + "/history").then().statusCode(200).body("items", empty());
        UUID byCode = UUID.randomUUID();
        asUser(byCode).contentType("application/json").body(claimBody(code)).post("/api/claims").then().statusCode(200);
        Fixtures.awaitOwnershipEvent(ClaimEvents.OwnershipClaimed.class, identity, e -> e.userId().equals(byCode));
        assertThat(Fixtures.ownershipEvents(ClaimEvents.OwnershipClaimed.class, identity))
                .extracting(ClaimEvents.OwnershipClaimed::userId).containsExactly(byCode);
    }

    @Test
    void aClaimByEmailAlreadyPastTheWindowIsNotKeptAndExpiredOnesAreCleanedUp() {
        String tooOld = Fixtures.identity("old-email");
        Envelope old = accountReady(UUID.randomUUID(), tooOld, Instant.now().minus(PAST_THE_WINDOW));
        EventProbe.send(old);
        awaitConsumed(old);
        assertThat(waiting(tooOld)).isEmpty();

        String forgotten = Fixtures.identity("forgotten-email");
        String recent = Fixtures.identity("recent-email");
        EventProbe.send(accountReady(UUID.randomUUID(), forgotten, Instant.now()));
        EventProbe.send(accountReady(UUID.randomUUID(), recent, Instant.now()));
        Fixtures.await(() -> waiting(forgotten).isPresent() && waiting(recent).isPresent(), "both claims by email parked");
        age(forgotten, PAST_THE_WINDOW);

        pendingClaims.pruneExpired();

        assertThat(waiting(forgotten)).isEmpty();
        assertThat(waiting(recent)).isPresent();
    }

    @Test
    void aDeviceDeletedInTheRegistryTakesItsWaitingClaimAlong() {
        String identity = Fixtures.identity("deleted-email");
        EventProbe.send(accountReady(UUID.randomUUID(), identity, Instant.now()));
        Fixtures.await(() -> waiting(identity).isPresent(), "the claim by email parked for " + identity);

        EventProbe.send(Envelope.of(identity, new RegistryEvents.DeviceDeleted(identity, Instant.now())));
        Fixtures.await(() -> waiting(identity).isEmpty(), "the waiting claim of the deleted device gone");

        // the identity provisioned again later is a new device: nobody's claim waits for it
        Fixtures.provision(identity, Fixtures.tags(null, null));
        assertThat(Fixtures.device(identity).orElseThrow().users()).isEmpty();
        asOem().get("/api/ownership/" + identity + "/history").then().statusCode(200).body("items", empty());
    }

    @Test
    void aDeletedAccountsWaitingClaimIsDropped() {
        String identity = Fixtures.identity("gone-user-email");
        UUID user = UUID.randomUUID();
        EventProbe.send(accountReady(user, identity, Instant.now()));
        Fixtures.await(() -> waiting(identity).isPresent(), "the claim by email parked for " + identity);

        EventProbe.send(Envelope.of(user.toString(), new UserEvents.AccountDeleted(user, Instant.now())));
        Fixtures.await(() -> waiting(identity).isEmpty(), "the deleted account's waiting claim gone");

        Fixtures.provision(identity, Fixtures.tags(null, null));
        assertThat(Fixtures.device(identity).orElseThrow().users()).isEmpty();
        asOem().get("/api/ownership/" + identity + "/history").then().statusCode(200).body("items", empty());
    }

    /** user-service's announcement, as of {@code at}. */
    private static Envelope accountReady(UUID user, String identity, Instant at) {
        Envelope event = Envelope.of(user.toString(), new UserEvents.DeviceAccountReady(user, "owner-" + user + "@example.com",
                identity, true, "http://localhost:8080/password-reset?token=t", at.plusSeconds(3600)));
        return new Envelope(event.id(), event.type(), at, event.subject(), event.data());
    }

    /** The user whose claim by email waits for the device, if any. */
    private Optional<UUID> waiting(String identity) {
        return query("SELECT user_id FROM pending_device_email_claim WHERE identity = ?", identity)
                .map(value -> (UUID) value);
    }

    /** Waits until claim-service's account consumer has applied the event. */
    private void awaitConsumed(Envelope event) {
        Fixtures.await(() -> query("SELECT event_id FROM inbox WHERE consumer = 'claim-accounts' AND event_id = ?", event.id())
                .isPresent(), "event " + event.id() + " consumed");
    }

    /** The waiting claim as if announced {@code by} ago. */
    private void age(String identity, Duration by) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("UPDATE pending_device_email_claim SET requested_at = ? WHERE identity = ?")) {
            s.setTimestamp(1, Timestamp.from(Instant.now().minus(by)));
            s.setString(2, identity);
            assertThat(s.executeUpdate()).isEqualTo(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private Optional<Object> query(String sql, Object parameter) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, parameter);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(rs.getObject(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
