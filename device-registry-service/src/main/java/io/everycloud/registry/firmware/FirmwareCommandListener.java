package io.everycloud.registry.firmware;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.everycloud.events.Envelope;
import io.everycloud.events.FirmwareEvents;
import io.everycloud.events.RegistryEvents;
import io.everycloud.kit.inbox.Channels;
import io.everycloud.kit.inbox.Inbox;
import io.everycloud.registry.device.DeviceRepository;
import io.everycloud.registry.resource.DeviceWrite;
import io.everycloud.registry.resource.Point;
import io.everycloud.registry.resource.ReservedAliases;
import io.everycloud.registry.resource.ResourceWriter;
import io.smallrye.reactive.messaging.annotations.Blocking;

/**
 * firmware-service's commands: {@code command.config-otau.v1} writes the device's
 * {@code config_otau} resource (origin platform), which answers its long poll on that alias.
 */
@ApplicationScoped
public class FirmwareCommandListener {

    static final String CONSUMER = "registry-firmware-command";
    private static final Logger LOG = Logger.getLogger(FirmwareCommandListener.class);

    @Inject
    Inbox inbox;

    @Inject
    ResourceWriter writer;

    @Inject
    DeviceRepository devices;

    @Incoming(Channels.FIRMWARE_COMMAND)
    @Blocking(ordered = true)
    public void onCommand(String message) {
        inbox.handle(CONSUMER, message, this::apply);
    }

    void apply(Envelope envelope) {
        if (!envelope.is(FirmwareEvents.ConfigOtauCommand.class)) {
            return;
        }
        var command = envelope.dataAs(FirmwareEvents.ConfigOtauCommand.class);
        if (devices.find(command.identity()).isEmpty()) {
            LOG.infof("config_otau for unknown device %s ignored", command.identity());
            return;
        }
        writer.apply(List.of(new DeviceWrite(command.identity(),
                List.of(Point.now(ReservedAliases.CONFIG_OTAU, command.configOtau().toString(), Instant.now())),
                RegistryEvents.ResourceWritten.FROM_PLATFORM)));
    }
}
