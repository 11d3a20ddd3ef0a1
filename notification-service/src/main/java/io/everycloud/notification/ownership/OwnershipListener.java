package io.everycloud.notification.ownership;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.everycloud.events.ClaimEvents;
import io.everycloud.events.Envelope;
import io.everycloud.kit.inbox.Channels;
import io.everycloud.kit.inbox.Inbox;
import io.smallrye.reactive.messaging.annotations.Blocking;

/** claim.ownership.v1 → who owns which device (firmware emails go to the owners). */
@ApplicationScoped
public class OwnershipListener {

    @Inject
    Inbox inbox;

    @Incoming(Channels.CLAIM_OWNERSHIP)
    @Blocking(ordered = true)
    public void onOwnership(String message) {
        inbox.handle("notification-ownership", message, this::apply);
    }

    void apply(Envelope envelope) {
        if (envelope.is(ClaimEvents.OwnershipClaimed.class)) {
            ClaimEvents.OwnershipClaimed e = envelope.dataAs(ClaimEvents.OwnershipClaimed.class);
            own(e.identity(), e.userId());
        } else if (envelope.is(ClaimEvents.OwnershipTransferred.class)) {
            ClaimEvents.OwnershipTransferred e = envelope.dataAs(ClaimEvents.OwnershipTransferred.class);
            DeviceOwner.delete("identity", e.identity());
            own(e.identity(), e.toUserId());
        } else if (envelope.is(ClaimEvents.OwnershipReleased.class)) {
            ClaimEvents.OwnershipReleased e = envelope.dataAs(ClaimEvents.OwnershipReleased.class);
            if (e.userId() == null) {
                DeviceOwner.delete("identity", e.identity());
            } else {
                DeviceOwner.delete("identity = ?1 AND userId = ?2", e.identity(), e.userId());
            }
        } else if (envelope.is(ClaimEvents.OwnershipReset.class)) {
            DeviceOwner.delete("identity", envelope.dataAs(ClaimEvents.OwnershipReset.class).identity());
        }
    }

    private static void own(String identity, UUID userId) {
        if (DeviceOwner.count("identity = ?1 AND userId = ?2", identity, userId) == 0) {
            DeviceOwner owner = new DeviceOwner();
            owner.identity = identity;
            owner.userId = userId;
            owner.since = Instant.now();
            owner.persist();
        }
    }
}
