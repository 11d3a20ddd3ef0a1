package io.everycloud.firmware.rollout;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import io.everycloud.events.FirmwareEvents;
import io.everycloud.firmware.FirmwareConfig;
import io.everycloud.firmware.device.Device;
import io.everycloud.firmware.device.DeviceRepository;
import io.everycloud.firmware.packages.FirmwarePackage;
import io.everycloud.firmware.packages.PackageRepository;
import io.everycloud.firmware.settings.SettingsService;
import io.everycloud.firmware.update.DeviceUpdate;
import io.everycloud.firmware.update.UpdateService;
import io.everycloud.firmware.update.UpdateState;
import io.everycloud.kit.outbox.Outbox;
import io.everycloud.kit.page.Page;
import io.everycloud.kit.page.PageRequest;
import io.everycloud.kit.problem.Problem.FieldError;
import io.everycloud.kit.problem.ProblemException;

/**
 * Staged rollouts (as hawkBit and AWS IoT Jobs do them): targets chosen by tag filter, split
 * in batches; a batch starts when the previous one reached its success threshold; the rollout
 * aborts when failures pass their threshold after a minimum number of finished updates. Every
 * decision is taken with the rollout row locked, so replicas and concurrent reports agree.
 */
@ApplicationScoped
public class RolloutService {

    private static final Logger LOG = Logger.getLogger(RolloutService.class);

    /** An update offered to a device's owner by an "ask owners" rollout. */
    public record Offer(UUID rolloutId, String version) {
    }

    /** What {@code POST /api/firmware/devices/{identity}/decline} answers. */
    public record Declined(String identity, UUID rolloutId, String version, String status) {
    }

    @Inject
    RolloutRepository rollouts;

    @Inject
    DeviceRepository devices;

    @Inject
    PackageRepository packages;

    @Inject
    UpdateService updates;

    @Inject
    SettingsService settings;

    @Inject
    FirmwareConfig config;

    @Inject
    Outbox outbox;

    @Transactional
    public RolloutView create(RolloutRequest request, String callerId) {
        settings.requireEnabled();
        if (request == null) {
            throw ProblemException.badRequest("body", "is required");
        }
        List<FieldError> errors = new ArrayList<>();
        if (request.version() == null || request.version().isBlank()) {
            errors.add(new FieldError("version", "is required"));
        }
        String mode = request.mode() == null ? Rollout.PUSH : request.mode().trim().toUpperCase(java.util.Locale.ROOT);
        if (!mode.equals(Rollout.PUSH) && !mode.equals(Rollout.ASK_OWNERS)) {
            errors.add(new FieldError("mode", "must be PUSH or ASK_OWNERS"));
        }
        if (request.batchSize() != null && request.batchPercent() != null) {
            errors.add(new FieldError("batchSize", "give batchSize or batchPercent, not both"));
        }
        if (request.batchSize() != null && request.batchSize() < 1) {
            errors.add(new FieldError("batchSize", "must be at least 1"));
        }
        percent(request.batchPercent(), "batchPercent", 1, errors);
        percent(request.successThreshold(), "successThreshold", 0, errors);
        percent(request.failureThreshold(), "failureThreshold", 0, errors);
        if (request.minimumFinished() != null && request.minimumFinished() < 1) {
            errors.add(new FieldError("minimumFinished", "must be at least 1"));
        }
        Map<String, List<String>> tags = request.tags() == null ? Map.of() : request.tags();
        tags.forEach((name, values) -> {
            if (name == null || name.isBlank() || values == null || values.isEmpty() || values.stream().anyMatch(v -> v == null)) {
                errors.add(new FieldError("tags." + name, "must be a tag name with a non-empty list of values"));
            }
        });
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        FirmwarePackage pkg = packages.findForUse(request.version().trim())
                .orElseThrow(() -> ProblemException.badRequest("version", "no package has version " + request.version().trim()));
        List<Device> targets = devices.matching(tags, config.maxRolloutDevices() + 1);
        if (targets.isEmpty()) {
            throw ProblemException.badRequest("tags", "no device has these tags");
        }
        if (targets.size() > config.maxRolloutDevices()) {
            throw ProblemException.badRequest("tags", "match more than " + config.maxRolloutDevices() + " devices");
        }
        int batchSize = request.batchSize() != null ? request.batchSize()
                : Math.max(1, (int) Math.ceil(targets.size() * (request.batchPercent() == null ? 100 : request.batchPercent()) / 100.0));
        batchSize = Math.min(batchSize, targets.size());
        int batchCount = (targets.size() + batchSize - 1) / batchSize;
        Rollout rollout = new Rollout(UUID.randomUUID(), 0, pkg.id(), pkg.version(), tags, mode, batchSize,
                orDefault(request.successThreshold(), 100), orDefault(request.failureThreshold(), 20),
                orDefault(request.minimumFinished(), 1), Rollout.RUNNING, 0, batchCount, null, callerId, Instant.now(),
                Instant.now());
        rollouts.insert(rollout);
        for (int i = 0; i < targets.size(); i++) {
            rollouts.addTarget(rollout.id(), targets.get(i).identity(), i / batchSize + 1);
        }
        evaluate(rollout.id());
        return view(rollout.id());
    }

    public RolloutView view(UUID id) {
        Rollout rollout = rollouts.find(id).orElseThrow(() -> ProblemException.notFound("no such rollout"));
        return RolloutView.of(rollout, rollouts.counts(id, 0));
    }

    public Page<RolloutView> list(PageRequest page) {
        long after = 0;
        if (page.after() != null) {
            try {
                after = Long.parseLong(page.after());
            } catch (NumberFormatException e) {
                throw ProblemException.badRequest("cursor", "is not a cursor this list gave out");
            }
        }
        return Page.of(rollouts.page(after, page.fetchSize()), page, r -> Long.toString(r.seq()))
                .map(r -> RolloutView.of(r, rollouts.counts(r.id(), 0)));
    }

    @Transactional
    public RolloutView pause(UUID id) {
        Rollout rollout = locked(id);
        if (!rollout.state().equals(Rollout.RUNNING)) {
            throw ProblemException.conflict("only a running rollout can be paused; this one is " + rollout.state());
        }
        rollouts.setState(id, Rollout.PAUSED, "paused by an operator");
        return view(id);
    }

    @Transactional
    public RolloutView resume(UUID id) {
        settings.requireEnabled();
        Rollout rollout = locked(id);
        if (!rollout.state().equals(Rollout.PAUSED)) {
            throw ProblemException.conflict("only a paused rollout can be resumed; this one is " + rollout.state());
        }
        rollouts.setState(id, Rollout.RUNNING, "resumed by an operator");
        evaluate(id);
        return view(id);
    }

    @Transactional
    public RolloutView abort(UUID id) {
        Rollout rollout = locked(id);
        if (!rollout.state().equals(Rollout.RUNNING) && !rollout.state().equals(Rollout.PAUSED)) {
            throw ProblemException.conflict("the rollout is already " + rollout.state());
        }
        stop(id, "aborted by an operator");
        return view(id);
    }

    /** Open offers of "ask owners" rollouts for a device. */
    public List<Offer> offersFor(String identity) {
        return rollouts.offers(identity);
    }

    /** The rollout whose offer the owner takes by choosing this version, if any. */
    public Optional<UUID> acceptOffer(String identity, String version) {
        return rollouts.offers(identity).stream().filter(o -> o.version().equals(version)).map(Offer::rolloutId).findFirst();
    }

    /**
     * The owner declines the open offer of this version: the offer ends ({@code DECLINED}, counted in
     * the rollout's targets) and the rollout is evaluated again (it finishes when nothing else is
     * open). Empty when the device has no open offer of that version.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<Declined> declineOffer(String identity, String version) {
        for (Offer offer : rollouts.offers(identity)) {
            if (!offer.version().equals(version)) {
                continue;
            }
            // the rollout row first, as every decision about the rollout takes it
            Rollout rollout = rollouts.lock(offer.rolloutId()).orElse(null);
            if (rollout != null && rollouts.declineOffer(offer.rolloutId(), identity)) {
                evaluate(offer.rolloutId());
                return Optional.of(new Declined(identity, offer.rolloutId(), version, Rollout.DECLINED));
            }
        }
        return Optional.empty();
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void linkUpdate(UUID rolloutId, String identity, UUID updateId) {
        rollouts.setTarget(rolloutId, identity, Rollout.STARTED, updateId);
    }

    /** An update a rollout started has ended: count it and decide what happens next. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void onUpdateFinished(UUID rolloutId, UUID updateId, UpdateState state) {
        rollouts.setTargetByUpdate(updateId, state.success() ? Rollout.SUCCEEDED
                : state == UpdateState.CANCELED ? Rollout.CANCELED : Rollout.FAILED);
        evaluate(rolloutId);
    }

    /** Re-evaluates every running rollout (the periodic sweep; decisions normally follow each finished update). */
    public void evaluateRunning() {
        for (UUID id : rollouts.running()) {
            try {
                io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() -> evaluate(id));
            } catch (RuntimeException e) {
                LOG.warnf(e, "rollout %s could not be evaluated", id);
            }
        }
    }

    /** Aborts on too many failures, starts the next batch when the current one did well enough, finishes at the end. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void evaluate(UUID id) {
        Rollout rollout = rollouts.lock(id).orElse(null);
        if (rollout == null || !rollout.state().equals(Rollout.RUNNING)) {
            return;
        }
        Map<String, Integer> all = rollouts.counts(id, 0);
        int succeeded = all.getOrDefault(Rollout.SUCCEEDED, 0);
        int failed = all.getOrDefault(Rollout.FAILED, 0);
        int finished = succeeded + failed;
        if (finished >= rollout.minimumFinished() && failed * 100L > (long) rollout.failureThreshold() * finished) {
            stop(id, failed + " of " + finished + " finished updates failed (" + (failed * 100 / finished)
                    + " %), more than the failure threshold of " + rollout.failureThreshold() + " %");
            return;
        }
        int batch = rollout.currentBatch();
        while (batch < rollout.batchCount() && (batch == 0 || batchDone(rollout, batch))) {
            batch++;
            rollouts.setCurrentBatch(id, batch);
            launch(rollout, batch);
        }
        Map<String, Integer> now = rollouts.counts(id, 0);
        // Open offers keep an "ask owners" rollout running: owners may still choose, and the OEM may still abort.
        if (batch >= rollout.batchCount() && now.getOrDefault(Rollout.STARTED, 0) == 0
                && now.getOrDefault(Rollout.OFFERED, 0) == 0) {
            rollouts.setState(id, Rollout.FINISHED, null);
        }
    }

    /** Whether enough of the batch's started updates succeeded (a batch where nothing started waits for nothing). */
    private boolean batchDone(Rollout rollout, int batch) {
        Map<String, Integer> counts = rollouts.counts(rollout.id(), batch);
        int succeeded = counts.getOrDefault(Rollout.SUCCEEDED, 0);
        int started = succeeded + counts.getOrDefault(Rollout.FAILED, 0) + counts.getOrDefault(Rollout.STARTED, 0);
        return started == 0 || succeeded * 100L >= (long) rollout.successThreshold() * started;
    }

    private void launch(Rollout rollout, int batch) {
        FirmwarePackage pkg = packages.find(rollout.packageId()).orElse(null);
        for (RolloutRepository.Target target : rollouts.targets(rollout.id(), batch)) {
            if (!target.status().equals(Rollout.PENDING)) {
                continue;
            }
            Optional<Device> device = devices.find(target.identity());
            if (device.isEmpty() || pkg == null) {
                rollouts.setTarget(rollout.id(), target.identity(), Rollout.SKIPPED, null);
            } else if (rollout.mode().equals(Rollout.ASK_OWNERS) && !device.get().owners().isEmpty()) {
                rollouts.setTarget(rollout.id(), target.identity(), Rollout.OFFERED, null);
                // the owners hear of it (notification-service emails them) and choose: update or decline
                outbox.publish(target.identity(), new FirmwareEvents.UpdateOffered(target.identity(), rollout.id(),
                        pkg.version(), pkg.name(), pkg.description(), device.get().owners(), Instant.now()));
            } else {
                DeviceUpdate update = updates.start(device.get(), pkg, "rollout:" + rollout.id(), null, rollout.id());
                rollouts.setTarget(rollout.id(), target.identity(), Rollout.STARTED, update.id());
            }
        }
    }

    private void stop(UUID id, String reason) {
        rollouts.setState(id, Rollout.ABORTED, reason);
        rollouts.replaceStatus(id, Rollout.OFFERED, Rollout.WITHDRAWN);
        rollouts.replaceStatus(id, Rollout.PENDING, Rollout.NOT_STARTED);
        LOG.infof("rollout %s aborted: %s", id, reason);
    }

    private Rollout locked(UUID id) {
        return rollouts.lock(id).orElseThrow(() -> ProblemException.notFound("no such rollout"));
    }

    private static void percent(Integer value, String field, int min, List<FieldError> errors) {
        if (value != null && (value < min || value > 100)) {
            errors.add(new FieldError(field, "must be a percentage between " + min + " and 100"));
        }
    }

    private static int orDefault(Integer value, int fallback) {
        return value == null ? fallback : value;
    }
}
