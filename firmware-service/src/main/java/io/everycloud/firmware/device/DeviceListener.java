package io.everycloud.firmware.device;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.everycloud.events.Envelope;
import io.everycloud.events.RegistryEvents;
import io.everycloud.firmware.update.UpdateService;
import io.everycloud.kit.inbox.Channels;
import io.everycloud.kit.inbox.Inbox;
import io.smallrye.reactive.messaging.annotations.Blocking;

/**
 * Keeps the device projection from {@code registry.device.v1}: tags (owners and rollout
 * filters), the token hash devices authenticate with on {@code /provision/download}, resets and deletions.
 */
@ApplicationScoped
public class DeviceListener {

    static final String CONSUMER = "firmware-devices";

    @Inject
    Inbox inbox;

    @Inject
    DeviceRepository devices;

    @Inject
    UpdateService updates;

    @Incoming(Channels.REGISTRY_DEVICE)
    @Blocking(ordered = true)
    public void onDeviceEvent(String message) {
        inbox.handle(CONSUMER, message, this::apply);
    }

    void apply(Envelope envelope) {
        if (envelope.is(RegistryEvents.DeviceProvisioned.class)) {
            var event = envelope.dataAs(RegistryEvents.DeviceProvisioned.class);
            devices.upsertTags(event.identity(), event.tags());
        } else if (envelope.is(RegistryEvents.DeviceTagsChanged.class)) {
            var event = envelope.dataAs(RegistryEvents.DeviceTagsChanged.class);
            devices.upsertTags(event.identity(), event.tags());
        } else if (envelope.is(RegistryEvents.DeviceActivated.class)) {
            var event = envelope.dataAs(RegistryEvents.DeviceActivated.class);
            devices.activate(event.identity(), event.tokenHash());
        } else if (envelope.is(RegistryEvents.DeviceReset.class)) {
            devices.revokeToken(envelope.dataAs(RegistryEvents.DeviceReset.class).identity());
        } else if (envelope.is(RegistryEvents.DeviceDeleted.class)) {
            String identity = envelope.dataAs(RegistryEvents.DeviceDeleted.class).identity();
            updates.cancelRunning(identity, "the device was deleted");
            devices.delete(identity);
        }
    }
}
