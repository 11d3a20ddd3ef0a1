package io.everycloud.firmware.update;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.everycloud.events.FirmwareEvents;
import io.everycloud.firmware.FirmwareConfig;
import io.everycloud.firmware.device.Device;
import io.everycloud.firmware.device.DeviceRepository;
import io.everycloud.firmware.packages.ConfigOtauFactory;
import io.everycloud.firmware.packages.FirmwarePackage;
import io.everycloud.firmware.rollout.RolloutService;
import io.everycloud.kit.outbox.Outbox;

/**
 * The per-device OTA state machine. Starting an update writes a {@code command.config-otau.v1}
 * (the registry sets the device's {@code config_otau}) and REQUESTED; the device's {@code otau_in}
 * reports and {@code fw_version} move it on; the sweep times out silent updates. Every change is
 * announced as {@code update.state-changed.v1} in the transaction that makes it.
 */
@ApplicationScoped
public class UpdateService {

    private static final Logger LOG = Logger.getLogger(UpdateService.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    UpdateRepository updates;

    @Inject
    DeviceRepository devices;

    @Inject
    ConfigOtauFactory otau;

    @Inject
    Outbox outbox;

    @Inject
    FirmwareConfig config;

    @Inject
    RolloutService rollouts;

    /** Starts an update of the device to the package; a running update of the device is canceled first. */
    @Transactional(Transactional.TxType.MANDATORY)
    public DeviceUpdate start(Device device, FirmwarePackage pkg, String requestedBy, UUID ownerId, UUID rolloutId) {
        updates.runningForUpdate(device.identity()).ifPresent(running ->
                moveTo(running, UpdateState.CANCELED, "replaced by an update to " + pkg.version()));
        UUID id = UUID.randomUUID();
        UUID owner = ownerId != null ? ownerId : device.firstOwner();
        ObjectNode message = otau.forPackage(pkg);
        updates.insert(id, device.identity(), pkg.id(), pkg.version(), requestedBy, owner, rolloutId, message.toString());
        DeviceUpdate update = updates.find(id).orElseThrow();
        updates.addTransition(update, UpdateState.REQUESTED, "requested by " + requestedBy);
        Instant now = Instant.now();
        outbox.publish(device.identity(), new FirmwareEvents.ConfigOtauCommand(device.identity(), id, message, now));
        outbox.publish(device.identity(), new FirmwareEvents.UpdateStateChanged(device.identity(), id, pkg.version(),
                UpdateState.REQUESTED.name(), null, owner, false, now));
        return update;
    }

    /** A device wrote {@code otau_in}: {@code {"version", "status", "message"}}. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void onOtauReport(String identity, String value) {
        JsonNode report;
        try {
            report = value == null ? null : JSON.readTree(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            report = null;
        }
        if (report == null || !report.isObject()) {
            // A device's malformed report must not block its partition; it is logged and ignored.
            LOG.warnf("device %s wrote an otau_in that is not a JSON object; ignored", identity);
            return;
        }
        Optional<UpdateState> status = UpdateState.parse(report.path("status").asText(null))
                .filter(UpdateState.REPORTABLE::contains);
        if (status.isEmpty()) {
            LOG.warnf("device %s reported an unknown otau_in status %s; ignored", identity, report.path("status"));
            return;
        }
        String version = report.hasNonNull("version") ? report.get("version").asText() : null;
        String message = report.hasNonNull("message") ? truncate(report.get("message").asText()) : null;
        UpdateState next = status.get();
        Optional<DeviceUpdate> running = updates.runningForUpdate(identity);
        if (running.isEmpty() || (version != null && !version.equals(running.get().version()))) {
            // A report about no running update (late, or the device updating on its own) only tells what is installed.
            if (next.success() && version != null) {
                devices.setInstalledVersion(identity, version);
            }
            return;
        }
        DeviceUpdate update = running.get();
        if (update.state().movesTo(next)) {
            moveTo(update, next, message);
        } else if (next == update.state() && next.isStep() && message != null && !message.equals(update.message())) {
            updates.progress(update.id(), message);
        }
    }

    /** A device wrote {@code fw_version}: its installed version; it completes an update to that version. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void onFirmwareVersion(String identity, String value) {
        if (value == null || value.isBlank()) {
            return;
        }
        String version = value.trim();
        devices.setInstalledVersion(identity, version);
        updates.runningForUpdate(identity).filter(u -> u.version().equals(version))
                .ifPresent(u -> moveTo(u, UpdateState.INSTALLED_VERSION, "fw_version " + version));
    }

    /** The device is gone: its running update ends. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void cancelRunning(String identity, String reason) {
        updates.runningForUpdate(identity).ifPresent(u -> moveTo(u, UpdateState.CANCELED, reason));
    }

    /** Ends updates no report arrived for within the timeout; returns how many. */
    @Transactional
    public int timeOutStale() {
        var stale = updates.stale(config.updateTimeout(), 500);
        for (DeviceUpdate update : stale) {
            moveTo(update, UpdateState.TIMED_OUT, "no report from the device for " + config.updateTimeout());
        }
        return stale.size();
    }

    private void moveTo(DeviceUpdate update, UpdateState state, String message) {
        updates.move(update.id(), state, message);
        updates.addTransition(update, state, message);
        if (state.success()) {
            devices.setInstalledVersion(update.identity(), update.version());
        }
        outbox.publish(update.identity(), new FirmwareEvents.UpdateStateChanged(update.identity(), update.id(),
                update.version(), state.name(), message, update.ownerId(), state.finished(), Instant.now()));
        if (state.finished() && update.rolloutId() != null) {
            rollouts.onUpdateFinished(update.rolloutId(), update.id(), state);
        }
    }

    private static String truncate(String text) {
        return text.length() > 1000 ? text.substring(0, 1000) : text;
    }
}
