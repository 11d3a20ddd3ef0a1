package io.everycloud.claim.device;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.everycloud.claim.ClaimConfig;
import io.everycloud.claim.ownership.OwnershipService;
import io.everycloud.events.Envelope;
import io.everycloud.events.RegistryEvents;
import io.everycloud.kit.inbox.Channels;
import io.everycloud.kit.inbox.Inbox;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;

/**
 * Keeps the device projection from registry.device.v1. The registry's {@code users} tag is the
 * truth about owners (the OEM may edit it directly), with one exception: an ownership change this
 * service announced is kept until the registry echoes it back, so a tag snapshot taken before the
 * registry applied it cannot reopen a device that was just claimed. Past
 * {@code claim.pending-ownership-window} the registry wins whatever it says. A device new here
 * gets the claim by email that waited for it ({@link OwnershipService#claimParkedFor}); a deleted
 * one takes its waiting claim along.
 * <p>
 * Each Kafka poll (at most 100 events) is applied in one transaction ({@link Inbox#handleBatch}):
 * a 10,000-line import or a claim campaign's owner echoes cost one commit per poll, not per event.
 */
@ApplicationScoped
public class DeviceListener {

    static final String CONSUMER = "claim-projection";
    private static final Logger LOG = Logger.getLogger(DeviceListener.class);

    @Inject
    Inbox inbox;

    @Inject
    DeviceRepository devices;

    @Inject
    ClaimConfig config;

    @Inject
    OwnershipService ownership;

    @Incoming(Channels.REGISTRY_DEVICE)
    @Blocking(ordered = true)
    public CompletionStage<Void> onDeviceEvents(KafkaRecordBatch<String, String> batch) {
        return inbox.handleBatch(CONSUMER, batch, this::apply);
    }

    void apply(Envelope envelope) {
        if (envelope.is(RegistryEvents.DeviceProvisioned.class)) {
            RegistryEvents.DeviceProvisioned event = envelope.dataAs(RegistryEvents.DeviceProvisioned.class);
            applyTags(event.identity(), event.tags());
        } else if (envelope.is(RegistryEvents.DeviceTagsChanged.class)) {
            RegistryEvents.DeviceTagsChanged event = envelope.dataAs(RegistryEvents.DeviceTagsChanged.class);
            applyTags(event.identity(), event.tags());
        } else if (envelope.is(RegistryEvents.DeviceDeleted.class)) {
            String identity = envelope.dataAs(RegistryEvents.DeviceDeleted.class).identity();
            devices.delete(identity);
            ownership.withdrawParkedFor(identity);
        }
    }

    private void applyTags(String identity, Map<String, List<String>> tagMap) {
        DeviceTags tags = DeviceTags.of(identity, tagMap);
        Instant now = Instant.now();
        Optional<DeviceState> existing = devices.lock(identity);
        if (existing.isEmpty()) {
            DeviceState learned = new DeviceState(identity, tags.claimCodes(), tags.expiresAt(), tags.users(), tags.apps(), false,
                    null, null);
            devices.save(learned);
            // a claim by email that came before the device (user.account.v1 is consumed apart) is applied now
            ownership.claimParkedFor(learned);
            return;
        }
        DeviceState before = existing.get();
        List<UUID> users = tags.users();
        List<UUID> pending = null;
        Instant pendingSince = null;
        if (before.pendingUsers() != null && !sameSet(before.pendingUsers(), tags.users())
                && before.pendingSince() != null && before.pendingSince().plus(config.pendingOwnershipWindow()).isAfter(now)) {
            LOG.debugf("device %s: registry snapshot does not show the owners announced at %s yet; kept", identity,
                    before.pendingSince());
            users = before.users();
            pending = before.pendingUsers();
            pendingSince = before.pendingSince();
        }
        boolean codesChanged = !sameSet(before.claimCodes(), tags.claimCodes());
        // A new claim code on an owned device is the seed's transfer: the next claim with it moves ownership.
        boolean transferOpen = !users.isEmpty() && (codesChanged || before.transferOpen());
        devices.save(new DeviceState(identity, tags.claimCodes(), tags.expiresAt(), users, tags.apps(), transferOpen,
                pending, pendingSince), codesChanged);
    }

    private static <T> boolean sameSet(List<T> a, List<T> b) {
        return new HashSet<>(a).equals(new HashSet<>(b));
    }
}
