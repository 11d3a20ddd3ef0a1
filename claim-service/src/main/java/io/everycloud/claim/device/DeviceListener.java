package io.everycloud.claim.device;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
 * Each Kafka poll (at most 100 events) is applied in one transaction ({@link Inbox#handleBatchAll}),
 * set-based: the devices the poll's tag snapshots name are locked and read in one statement, each
 * snapshot is applied in order to the state read, and only the devices whose stored state changed
 * are written, in one batch at the end. A poll of a claim campaign's owner echoes costs four
 * round trips (inbox, lock, the batched writes, commit) instead of two per event and two more; a
 * snapshot that changes nothing stored writes nothing. A device new here and a deletion are applied on their own, after the writes
 * before them.
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
        return inbox.handleBatchAll(CONSUMER, batch, this::applyAll);
    }

    /** Applies the events in order, with the same outcome as applying them one by one (see the class comment). */
    void applyAll(List<Envelope> events) {
        List<Snapshot> snapshots = new ArrayList<>(events.size());
        Set<String> snapshotted = new TreeSet<>();
        for (Envelope envelope : events) {
            Snapshot snapshot = Snapshot.of(envelope);
            snapshots.add(snapshot);
            if (snapshot != null) {
                snapshotted.add(snapshot.identity());
            }
        }
        new Pass(devices.lockAll(snapshotted)).apply(events, snapshots);
    }

    /** A device's full tag set, from a provisioned or tags-changed event; null for other events. */
    private record Snapshot(String identity, Map<String, List<String>> tags) {

        static Snapshot of(Envelope envelope) {
            if (envelope.is(RegistryEvents.DeviceProvisioned.class)) {
                RegistryEvents.DeviceProvisioned event = envelope.dataAs(RegistryEvents.DeviceProvisioned.class);
                return new Snapshot(event.identity(), event.tags());
            }
            if (envelope.is(RegistryEvents.DeviceTagsChanged.class)) {
                RegistryEvents.DeviceTagsChanged event = envelope.dataAs(RegistryEvents.DeviceTagsChanged.class);
                return new Snapshot(event.identity(), event.tags());
            }
            return null;
        }
    }

    /** One poll's application: the locked devices' states as the events so far left them, and what is still to write. */
    private final class Pass {

        /** Devices known here, as stored plus this poll's changes so far; their rows are locked. */
        private final Map<String, DeviceState> known;
        /** Devices inserted in this poll (and maybe claimed by email since): read again before their next event. */
        private final Set<String> reread = new HashSet<>();
        private final Map<String, DeviceState> unwritten = new LinkedHashMap<>();
        private final Set<String> codesUnwritten = new HashSet<>();

        Pass(Map<String, DeviceState> locked) {
            this.known = locked;
        }

        /** {@code snapshots}: each event's snapshot, or null (read once, in {@link DeviceListener#applyAll}). */
        void apply(List<Envelope> events, List<Snapshot> snapshots) {
            for (int i = 0; i < events.size(); i++) {
                Envelope envelope = events.get(i);
                Snapshot snapshot = snapshots.get(i);
                if (snapshot != null) {
                    applyTags(snapshot.identity(), snapshot.tags());
                } else if (envelope.is(RegistryEvents.DeviceDeleted.class)) {
                    String identity = envelope.dataAs(RegistryEvents.DeviceDeleted.class).identity();
                    write();
                    devices.delete(identity);
                    ownership.withdrawParkedFor(identity);
                    known.remove(identity);
                    reread.remove(identity);
                }
            }
            write();
        }

        private void applyTags(String identity, Map<String, List<String>> tagMap) {
            DeviceTags tags = DeviceTags.of(identity, tagMap);
            if (reread.remove(identity)) {
                write();
                devices.lock(identity).ifPresent(device -> known.put(identity, device));
            }
            DeviceState before = known.get(identity);
            if (before == null) {
                DeviceState learned = new DeviceState(identity, tags.claimCodes(), tags.expiresAt(), tags.users(), tags.apps(), false,
                        null, null);
                write();
                devices.save(learned);
                // a claim by email that came before the device (user.account.v1 is consumed apart) is applied now
                ownership.claimParkedFor(learned);
                reread.add(identity);
                return;
            }
            Instant now = Instant.now();
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
            DeviceState after = new DeviceState(identity, tags.claimCodes(), tags.expiresAt(), users, tags.apps(), transferOpen,
                    pending, pendingSince);
            if (codesChanged) {
                codesUnwritten.add(identity);
            }
            if (!after.equals(before)) {
                known.put(identity, after);
                unwritten.put(identity, after);
            }
        }

        /** Writes the states changed so far (one batch), before anything that reads or writes devices on its own. */
        private void write() {
            devices.saveAll(unwritten.values(), codesUnwritten);
            unwritten.clear();
            codesUnwritten.clear();
        }
    }

    private static <T> boolean sameSet(List<T> a, List<T> b) {
        return new HashSet<>(a).equals(new HashSet<>(b));
    }
}
