package io.everycloud.firmware.update;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.everycloud.events.Envelope;
import io.everycloud.events.RegistryEvents;
import io.everycloud.kit.inbox.Channels;
import io.everycloud.kit.inbox.Inbox;
import io.smallrye.reactive.messaging.annotations.Blocking;

/** Feeds device writes of {@code otau_in} and {@code fw_version} (from {@code registry.resource.v1}) to the state machine. */
@ApplicationScoped
public class OtauListener {

    static final String CONSUMER = "firmware-otau";
    public static final String OTAU_IN = "otau_in";
    public static final String FW_VERSION = "fw_version";

    @Inject
    Inbox inbox;

    @Inject
    UpdateService updates;

    @Incoming(Channels.REGISTRY_RESOURCE)
    @Blocking(ordered = true)
    public void onResourceWritten(String message) {
        inbox.handle(CONSUMER, message, this::apply);
    }

    void apply(Envelope envelope) {
        if (!envelope.is(RegistryEvents.ResourceWritten.class)) {
            return;
        }
        var written = envelope.dataAs(RegistryEvents.ResourceWritten.class);
        if (!RegistryEvents.ResourceWritten.FROM_DEVICE.equals(written.origin())) {
            return;
        }
        switch (written.alias()) {
            case OTAU_IN -> updates.onOtauReport(written.identity(), written.value());
            case FW_VERSION -> updates.onFirmwareVersion(written.identity(), written.value());
            default -> {
                // other aliases belong to other services
            }
        }
    }
}
