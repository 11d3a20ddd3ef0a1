package io.everycloud.notification.firmware;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.everycloud.events.Envelope;
import io.everycloud.events.FirmwareEvents;
import io.everycloud.kit.inbox.Channels;
import io.everycloud.kit.inbox.Inbox;
import io.everycloud.notification.account.AccountListener;
import io.everycloud.notification.account.Recipient;
import io.everycloud.notification.delivery.EmailQueue;
import io.everycloud.notification.delivery.MailSender;
import io.everycloud.notification.ownership.DeviceOwner;
import io.everycloud.notification.template.EmailType;
import io.smallrye.reactive.messaging.annotations.Blocking;

/**
 * Firmware emails: a published package → one {@code firmware-available} email per owner listing
 * that owner's devices (the seed exposes every package to every device); an offer of an "ask
 * owners" rollout → {@code firmware-offer} to the device's owners; a finished update →
 * {@code firmware-update-result} to the owner, when the oem enabled that type.
 */
@ApplicationScoped
public class FirmwareListener {

    /** States of a finished update that mean the new version runs. */
    /** Owners looked up per query. */
    private static final int LOOKUP_CHUNK = 1000;

    static final Set<String> SUCCEEDED = Set.of("INSTALL_SUCCESS", "INSTALLED_VERSION");

    @Inject
    Inbox inbox;

    @Inject
    EmailQueue emails;

    @Inject
    MailSender sender;

    @Incoming(Channels.FIRMWARE_PACKAGE)
    @Blocking(ordered = true)
    public void onPackage(String message) {
        if (inbox.handle("notification-firmware-packages", message, this::applyPackage)) {
            sender.wake();
        }
    }

    @Incoming(Channels.FIRMWARE_UPDATE)
    @Blocking(ordered = true)
    public void onUpdate(String message) {
        if (inbox.handle("notification-firmware-updates", message, this::applyUpdate)) {
            sender.wake();
        }
    }

    void applyPackage(Envelope envelope) {
        if (!envelope.is(FirmwareEvents.PackagePublished.class)) {
            return;
        }
        FirmwareEvents.PackagePublished p = envelope.dataAs(FirmwareEvents.PackagePublished.class);
        Map<UUID, List<String>> devicesByOwner = new LinkedHashMap<>();
        DeviceOwner.<DeviceOwner>find("ORDER BY userId, identity").stream()
                .forEach(o -> devicesByOwner.computeIfAbsent(o.userId, k -> new ArrayList<>()).add(o.identity));
        if (devicesByOwner.isEmpty()) {
            return;
        }
        EmailQueue.Batch batch = emails.batch(EmailType.FIRMWARE_AVAILABLE);
        if (!batch.definition().enabled()) {
            return;
        }
        Map<UUID, Recipient> recipients = new HashMap<>();
        List<UUID> owners = List.copyOf(devicesByOwner.keySet());
        for (int from = 0; from < owners.size(); from += LOOKUP_CHUNK) {
            Recipient.<Recipient>list("userId in ?1", owners.subList(from, Math.min(owners.size(), from + LOOKUP_CHUNK)))
                    .forEach(r -> recipients.put(r.userId, r));
        }
        devicesByOwner.forEach((userId, devices) -> {
            Recipient r = recipients.get(userId);
            if (r == null || !r.mayReceive()) {
                return;
            }
            Map<String, Object> data = AccountListener.data(r.email, r.name);
            data.put("version", p.version());
            data.put("packageName", p.name());
            data.put("description", p.description());
            data.put("devices", List.copyOf(devices));
            data.put("deviceCount", devices.size());
            emails.enqueue(envelope, batch, userId, r.email, data);
        });
    }

    void applyUpdate(Envelope envelope) {
        if (envelope.is(FirmwareEvents.UpdateOffered.class)) {
            applyOffer(envelope);
            return;
        }
        if (!envelope.is(FirmwareEvents.UpdateStateChanged.class)) {
            return;
        }
        FirmwareEvents.UpdateStateChanged u = envelope.dataAs(FirmwareEvents.UpdateStateChanged.class);
        if (!u.finished()) {
            return;
        }
        emailOwners(envelope, EmailType.FIRMWARE_UPDATE_RESULT, u.ownerId() != null ? List.of(u.ownerId()) : List.of(),
                u.identity(), data -> {
                    data.put("identity", u.identity());
                    data.put("version", u.version());
                    data.put("state", u.state());
                    data.put("message", u.message());
                    data.put("succeeded", SUCCEEDED.contains(u.state()));
                });
    }

    /** An "ask owners" rollout offers a version for one device: a {@code firmware-offer} email to each of its owners. */
    void applyOffer(Envelope envelope) {
        FirmwareEvents.UpdateOffered offer = envelope.dataAs(FirmwareEvents.UpdateOffered.class);
        emailOwners(envelope, EmailType.FIRMWARE_OFFER, offer.ownerIds(), offer.identity(), data -> {
            data.put("identity", offer.identity());
            data.put("version", offer.version());
            data.put("packageName", offer.packageName());
            data.put("description", offer.description());
        });
    }

    /**
     * One email of the type to each given owner, or when none is given to the device's owners as
     * claim-service last told; blocked, deleted and unknown recipients are skipped.
     */
    private void emailOwners(Envelope envelope, EmailType type, List<UUID> given, String identity,
            java.util.function.Consumer<Map<String, Object>> fill) {
        List<UUID> owners = !given.isEmpty() ? given
                : DeviceOwner.<DeviceOwner>list("identity", identity).stream().map(o -> o.userId).toList();
        for (UUID owner : owners) {
            Recipient r = Recipient.findById(owner);
            if (r == null || !r.mayReceive()) {
                continue;
            }
            Map<String, Object> data = AccountListener.data(r.email, r.name);
            fill.accept(data);
            emails.enqueue(envelope, type, owner, r.email, data);
        }
    }
}
