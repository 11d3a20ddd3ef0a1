package io.everycloud.firmware.update;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.everycloud.firmware.FirmwareConfig;
import io.everycloud.firmware.device.Device;
import io.everycloud.firmware.device.DeviceRepository;
import io.everycloud.firmware.packages.FirmwarePackage;
import io.everycloud.firmware.packages.PackageRepository;
import io.everycloud.firmware.rollout.RolloutService;
import io.everycloud.firmware.settings.SettingsService;
import io.everycloud.kit.page.Page;
import io.everycloud.kit.page.PageRequest;
import io.everycloud.kit.problem.Problem.FieldError;
import io.everycloud.kit.problem.ProblemException;
import io.everycloud.kit.security.Caller;

/** Update requests from people: an owner or the OEM for one device, a batch push, the fleet view. */
@ApplicationScoped
public class UpdateRequests {

    static final Pattern IDENTITY = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What {@code POST /api/firmware/update} answers. */
    public record BatchResult(List<String> accepted, List<Rejected> rejected) {
    }

    public record Rejected(String device, String reason) {
    }

    /** One device's firmware as its owner or the OEM sees it. */
    public record DeviceFirmware(String identity, String installedVersion, String state, UpdateView currentUpdate,
            List<String> available, List<RolloutService.Offer> offers, List<UpdateRepository.Transition> history) {
    }

    @Inject
    DeviceRepository devices;

    @Inject
    PackageRepository packages;

    @Inject
    UpdateRepository updates;

    @Inject
    UpdateService engine;

    @Inject
    RolloutService rollouts;

    @Inject
    SettingsService settings;

    @Inject
    FirmwareConfig config;

    @Inject
    Caller caller;

    /** The device if the caller may see it: the OEM any known device, a user only their own; otherwise 404. */
    public Device visible(String identity) {
        Optional<Device> device = devices.find(identity);
        if (device.isEmpty() || !(caller.isOem() || (caller.isUser() && device.get().isOwnedBy(caller.userId())))) {
            throw ProblemException.notFound("no such device");
        }
        return device.get();
    }

    public DeviceFirmware view(String identity) {
        Device device = visible(identity);
        Optional<DeviceUpdate> latest = updates.latest(identity);
        return new DeviceFirmware(identity, device.installedVersion(), latest.map(u -> u.state().name()).orElse(null),
                latest.filter(u -> !u.finished()).map(UpdateView::of).orElse(null), packages.versions(),
                rollouts.offersFor(identity), updates.history(identity, 100));
    }

    /** {@code POST /api/firmware/devices/{identity}/update {version}}. */
    @Transactional
    public UpdateView updateDevice(String identity, String version) {
        settings.requireEnabled();
        Device device = visible(identity);
        if (version == null || version.isBlank()) {
            throw ProblemException.badRequest("version", "is required");
        }
        FirmwarePackage pkg = packages.findForUse(version.trim())
                .orElseThrow(() -> ProblemException.badRequest("version", "no package has version " + version.trim()));
        UUID owner = caller.isUser() ? caller.userId() : null;
        UUID rolloutId = rollouts.acceptOffer(identity, pkg.version()).orElse(null);
        DeviceUpdate update = engine.start(device, pkg, caller.id(), owner, rolloutId);
        if (rolloutId != null) {
            rollouts.linkUpdate(rolloutId, identity, update.id());
        }
        return UpdateView.of(update);
    }

    /**
     * {@code POST /api/firmware/devices/{identity}/decline {version}}: the owner (or the OEM) turns
     * down the open offer of an "ask owners" rollout; 404 when the device has no open offer of that
     * version.
     */
    @Transactional
    public RolloutService.Declined declineOffer(String identity, String version) {
        visible(identity);
        if (version == null || version.isBlank()) {
            throw ProblemException.badRequest("version", "is required");
        }
        String wanted = version.trim();
        return rollouts.declineOffer(identity, wanted)
                .orElseThrow(() -> ProblemException.notFound("no open offer of version " + wanted + " for this device"));
    }

    /**
     * The seed's {@code POST /api/firmware/update}: the message names a published version (its
     * config_otau is built from the package, with signed URLs and hash); the OEM may update any
     * known device, a user only their own. Each device is accepted or rejected with a reason.
     */
    @Transactional
    public BatchResult batch(JsonNode body) {
        settings.requireEnabled();
        if (body == null || !body.isObject()) {
            throw ProblemException.badRequest("body", "must be an object with message and devices");
        }
        List<FieldError> errors = new ArrayList<>();
        JsonNode message = body.get("message");
        if (message != null && message.isTextual()) {
            // The seed shows the message as "<config_otau_resource_json>": a JSON text is accepted too.
            try {
                message = JSON.readTree(message.asText());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                errors.add(new FieldError("message", "is a string that is not config_otau JSON"));
                message = null;
            }
        }
        String version = null;
        if (message == null || !message.isObject()) {
            if (errors.isEmpty()) {
                errors.add(new FieldError("message", "is required: the config_otau JSON {version, name, description, type, payload}"));
            }
        } else {
            JsonNode v = message.get("version");
            if (v == null || !v.isTextual() || v.asText().isBlank()) {
                errors.add(new FieldError("message.version", "is required"));
            } else {
                version = v.asText().trim();
            }
        }
        JsonNode list = body.get("devices");
        LinkedHashSet<String> identities = new LinkedHashSet<>();
        if (list == null || !list.isArray() || list.isEmpty()) {
            errors.add(new FieldError("devices", "is required: a non-empty array of device identities"));
        } else if (list.size() > config.maxBatchDevices()) {
            errors.add(new FieldError("devices", "may name at most " + config.maxBatchDevices() + " devices"));
        } else {
            for (int i = 0; i < list.size(); i++) {
                if (!list.get(i).isTextual()) {
                    errors.add(new FieldError("devices[" + i + "]", "must be a string"));
                } else {
                    identities.add(list.get(i).asText());
                }
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        String wanted = version;
        FirmwarePackage pkg = packages.findForUse(wanted).orElseThrow(() -> ProblemException.badRequest("message.version",
                "no package has version " + wanted + "; upload it first"));
        String type = message.path("type").asText(null);
        if (type != null && !type.equals(pkg.type())) {
            throw ProblemException.badRequest("message.type", "package " + wanted + " has type " + pkg.type());
        }
        List<String> accepted = new ArrayList<>();
        List<Rejected> rejected = new ArrayList<>();
        UUID owner = caller.isUser() ? caller.userId() : null;
        for (String identity : identities) {
            if (!IDENTITY.matcher(identity).matches()) {
                rejected.add(new Rejected(identity, "not a valid device identity"));
                continue;
            }
            Optional<Device> device = devices.find(identity);
            if (device.isEmpty()) {
                rejected.add(new Rejected(identity, caller.isOem() ? "unknown device" : "unknown device or not yours"));
            } else if (!caller.isOem() && !device.get().isOwnedBy(caller.userId())) {
                // Same words as for an unknown device: a user learns nothing about others' devices.
                rejected.add(new Rejected(identity, "unknown device or not yours"));
            } else {
                engine.start(device.get(), pkg, caller.id(), owner, null);
                accepted.add(identity);
            }
        }
        return new BatchResult(accepted, rejected);
    }

    public Page<UpdateView> list(String state, String version, String device, PageRequest page) {
        if (state != null && !state.isBlank() && UpdateState.parse(state).isEmpty()) {
            throw ProblemException.badRequest("state", "must be one of " + java.util.Arrays.toString(UpdateState.values()));
        }
        long after = 0;
        if (page.after() != null) {
            try {
                after = Long.parseLong(page.after());
            } catch (NumberFormatException e) {
                throw ProblemException.badRequest("cursor", "is not a cursor this list gave out");
            }
        }
        String stateName = state == null || state.isBlank() ? null : UpdateState.parse(state).get().name();
        List<DeviceUpdate> rows = updates.page(stateName, blankToNull(version), blankToNull(device), after, page.fetchSize());
        return Page.of(rows, page, u -> Long.toString(u.seq())).map(UpdateView::of);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
