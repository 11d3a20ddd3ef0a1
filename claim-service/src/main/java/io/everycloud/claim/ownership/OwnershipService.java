package io.everycloud.claim.ownership;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import io.everycloud.claim.account.DefaultAppsRepository;
import io.everycloud.claim.code.ClaimCode;
import io.everycloud.claim.device.DeviceRepository;
import io.everycloud.claim.device.DeviceState;
import io.everycloud.events.ClaimEvents;
import io.everycloud.kit.outbox.Outbox;
import io.everycloud.kit.problem.ProblemException;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Every ownership change: decided on rows locked in claim-service's own database, announced on
 * claim.ownership.v1 through the outbox and written to the ledger, all in one transaction (the
 * change, its outbox row and its ledger entry in one statement, see {@link OwnershipLedger#record}).
 */
@ApplicationScoped
public class OwnershipService {

    /** Method of the releases that end the ownerships of a deleted account. */
    public static final String BY_ACCOUNT_DELETION = "account-deleted";
    /** Ledger actor for changes a device asked for. */
    public static final String ACTOR_DEVICE = "device";
    /** Ledger actor for changes that follow user-service's events. */
    public static final String ACTOR_USER_SERVICE = "user-service";

    private static final Logger LOG = Logger.getLogger(OwnershipService.class);
    /** Counter of claims by email (device-account-ready), by what became of them. */
    private static final String REQUESTS = "claim.device.email.requests";
    private static final String OUTCOME = "outcome";
    private static final String CLAIMED = "claimed";
    private static final String OWNED = "owned";
    private static final String PARKED = "parked";
    private static final String SUPERSEDED = "superseded";
    private static final String EXPIRED = "expired";
    private static final String WITHDRAWN = "withdrawn";

    @Inject
    DeviceRepository devices;

    @Inject
    DefaultAppsRepository defaultApps;

    @Inject
    OwnershipLedger ledger;

    @Inject
    Outbox outbox;

    @Inject
    PendingEmailClaimRepository pendingClaims;

    @Inject
    MeterRegistry meters;

    /**
     * Claims every device the code covers for the user, all or nothing. Concurrent claims of the
     * same devices queue on the row locks; the later one sees the new owner and gets 409. A refusal
     * (404, 410, 409) is thrown before anything is written, and does not mark the transaction for
     * rollback: the caller commits what it counted for the failed attempt (see ClaimService).
     * {@code lookups} runs the code's lookup (in the caller's statement that checks the attempt).
     */
    @Transactional(dontRollbackOn = ProblemException.class)
    public List<String> claimByCode(UUID userId, String normalizedCode,
            Function<DeviceRepository.CodeQuery, DeviceRepository.CodeLookup> lookups) {
        Instant now = Instant.now();
        // the code's devices locked, and the user's default apps, in one round trip
        DeviceRepository.CodeLookup lookup = lookups.apply(new DeviceRepository.CodeQuery(ClaimCode.hash(normalizedCode), userId, true));
        // The code may have changed between the lookup and the lock: check again on the locked rows.
        List<DeviceState> locked = holdersOf(lookup, normalizedCode);
        if (locked.isEmpty()) {
            throw ProblemException.notFound("no device has this claim code");
        }
        List<DeviceState> live = locked.stream().filter(device -> !device.isExpired(now)).toList();
        if (live.isEmpty()) {
            throw ProblemException.gone("this claim code has expired");
        }
        if (live.stream().anyMatch(device -> ownedByAnother(device, userId) && !device.transferOpen())) {
            throw ProblemException.conflict("a device with this claim code already has an owner");
        }
        List<String> apps = lookup.defaultApps();
        for (DeviceState device : live) {
            if (!device.isOwned()) {
                claim(device, userId, apps, ClaimEvents.BY_CODE, userId.toString(), now);
            } else if (ownedByAnother(device, userId)) {
                transfer(device, userId, apps, now);
            }
        }
        return live.stream().map(DeviceState::identity).toList();
    }

    /** What a code covers, without claiming; same answers as a claim for unknown (404) and expired (410) codes. */
    @Transactional(dontRollbackOn = ProblemException.class)
    public Preview preview(UUID userId, String normalizedCode,
            Function<DeviceRepository.CodeQuery, DeviceRepository.CodeLookup> lookups) {
        Instant now = Instant.now();
        List<DeviceState> found = holdersOf(lookups.apply(new DeviceRepository.CodeQuery(ClaimCode.hash(normalizedCode), userId, false)),
                normalizedCode);
        if (found.isEmpty()) {
            throw ProblemException.notFound("no device has this claim code");
        }
        List<DeviceState> live = found.stream().filter(device -> !device.isExpired(now)).toList();
        if (live.isEmpty()) {
            throw ProblemException.gone("this claim code has expired");
        }
        boolean claimable = live.stream().noneMatch(device -> ownedByAnother(device, userId) && !device.transferOpen());
        return new Preview(live.size(), claimable);
    }

    /** Counts and claimability of a code. */
    public record Preview(int deviceCount, boolean claimable) {
    }

    /** The owner gives the device up; 404 for anyone who does not own it. */
    @Transactional
    public void release(UUID userId, String identity) {
        DeviceState device = devices.lock(identity).filter(d -> d.isOwnedBy(userId))
                .orElseThrow(() -> ProblemException.notFound("no such device"));
        release(device, userId, ClaimEvents.BY_OWNER, userId.toString(), Instant.now());
    }

    /** Hard reset by the OEM: no owners, no apps; the claim code stays. 404 for a device unknown here. */
    @Transactional
    public void resetByOem(String operatorId, String identity) {
        DeviceState device = devices.lock(identity).orElseThrow(() -> ProblemException.notFound("no such device"));
        reset(device.identity(), Optional.of(device), ClaimEvents.BY_OEM, operatorId, Instant.now());
    }

    /** Hard reset asked by the device ({@code pdaas_reset=true}); announced even if the projection lags behind. */
    @Transactional
    public void resetByDevice(String identity) {
        reset(identity, devices.lock(identity), ClaimEvents.BY_DEVICE, ACTOR_DEVICE, Instant.now());
    }

    /**
     * The account a device asked for is ready ({@code requestedAt}: when user-service announced it):
     * it becomes the owner, unless the device has one by now. A device the projection does not know
     * yet (registry.device.v1 is consumed apart from user.account.v1 and may lag behind) gets the
     * request parked, in this transaction, until the projection learns the device
     * ({@link #claimParkedFor}); a later request for the same device replaces it.
     */
    @Transactional
    public void claimForDeviceEmail(UUID userId, String identity, Instant requestedAt) {
        Instant now = Instant.now();
        Optional<DeviceState> device = devices.lock(identity);
        if (device.isEmpty()) {
            // The projection may be inserting the device right now: under the device's lock, look again
            // at what committed; the projection takes the same lock before it looks for parked requests.
            pendingClaims.lockDevice(identity);
            device = devices.lock(identity);
        }
        if (device.isEmpty()) {
            if (!pendingClaims.isLive(requestedAt, now)) {
                LOG.warnf("device %s asked at %s to be claimed by email, is unknown here and the request is past "
                        + "claim.device-email-claim-window; ignored", identity, requestedAt);
                count(EXPIRED);
            } else if (pendingClaims.park(identity, userId, requestedAt)) {
                LOG.infof("device %s asked to be claimed by email but is not known here yet; the request of user %s waits for it",
                        identity, userId);
                count(PARKED);
            } else {
                LOG.infof("device %s: a newer claim by email waits for the device; the request of user %s (%s) is dropped",
                        identity, userId, requestedAt);
                count(SUPERSEDED);
            }
            return;
        }
        claimByEmailUnlessOwned(device.get(), userId, now);
    }

    /**
     * The projection has just inserted a device (in its transaction, the device's row written): a
     * claim by email parked for it is applied now, by the rules of {@link #claimForDeviceEmail}, if
     * it is still within {@code claim.device-email-claim-window}; the parked request is deleted either way.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void claimParkedFor(DeviceState device) {
        Optional<PendingEmailClaimRepository.PendingEmailClaim> parked = pendingClaims.take(device.identity());
        if (parked.isEmpty()) {
            return;
        }
        Instant now = Instant.now();
        UUID userId = parked.get().userId();
        if (!pendingClaims.isLive(parked.get().requestedAt(), now)) {
            LOG.infof("device %s arrived after its claim by email for user %s (%s) expired; not applied", device.identity(), userId,
                    parked.get().requestedAt());
            count(EXPIRED);
        } else {
            claimByEmailUnlessOwned(device, userId, now);
        }
    }

    /** The seed's rule for a claim by email, now or parked: the user becomes the owner of a device without one. */
    private void claimByEmailUnlessOwned(DeviceState device, UUID userId, Instant now) {
        if (device.isOwned()) {
            LOG.infof("device %s already has an owner; the claim by email of user %s is not applied (seed: only without owner)",
                    device.identity(), userId);
            count(OWNED);
            return;
        }
        claim(device, userId, defaultApps.of(userId), ClaimEvents.BY_DEVICE_EMAIL, ACTOR_DEVICE, now);
        count(CLAIMED);
    }

    /** A device deleted in the registry takes a claim by email that waits for it along. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void withdrawParkedFor(String identity) {
        pendingClaims.take(identity).ifPresent(parked -> {
            LOG.infof("device %s was deleted; the claim by email waiting for it (user %s) is withdrawn", identity, parked.userId());
            count(WITHDRAWN);
        });
    }

    /** A deleted account owns nothing any more. */
    @Transactional
    public void endOwnershipsOf(UUID userId) {
        Instant now = Instant.now();
        // first: a claim by email of this user that the projection is applying right now holds its row;
        // this waits for it, and the devices it claimed are then among the owned ones below
        int dropped = pendingClaims.dropRequestsOf(userId);
        if (dropped > 0) {
            meters.counter(REQUESTS, OUTCOME, WITHDRAWN).increment(dropped);
        }
        for (DeviceState device : devices.lockOwnedBy(userId)) {
            release(device, userId, BY_ACCOUNT_DELETION, ACTOR_USER_SERVICE, now);
        }
        defaultApps.forget(userId);
    }

    /**
     * A new claim code for a device (owner or OEM, or the device itself): announced for the
     * registry's {@code claim_code} tag; on an owned device it opens a transfer at once.
     */
    @Transactional
    public void setClaimCode(String identity, String normalizedCode, Setter setter) {
        Optional<DeviceState> device = devices.lock(identity);
        // a device's own request is announced even if this projection lags behind the registry
        if (setter == Setter.OEM && device.isEmpty()) {
            throw ProblemException.notFound("no such device");
        }
        device.ifPresent(d -> devices.save(new DeviceState(d.identity(), List.of(normalizedCode), d.expiresAt(), d.users(),
                d.apps(), d.isOwned(), d.pendingUsers(), d.pendingSince())));
        outbox.publish(identity, new ClaimEvents.ClaimCodeSet(identity, normalizedCode, Instant.now()));
    }

    /** Who sets a claim code: the OEM or the device itself (owners use {@link #setClaimCodeAsOwner}). */
    public enum Setter {
        OEM, DEVICE
    }

    /** The owner sets a new claim code; 404 for anyone who does not own the device. */
    @Transactional
    public void setClaimCodeAsOwner(String identity, String normalizedCode, UUID userId) {
        if (devices.lock(identity).filter(d -> d.isOwnedBy(userId)).isEmpty()) {
            throw ProblemException.notFound("no such device");
        }
        setClaimCode(identity, normalizedCode, Setter.DEVICE);
    }

    /**
     * The devices found by the code's hash that really have the code: the stored code the hash
     * found and the device's current codes are both compared in constant time.
     */
    private static List<DeviceState> holdersOf(DeviceRepository.CodeLookup lookup, String normalizedCode) {
        List<DeviceState> holders = new ArrayList<>();
        for (DeviceRepository.CodeHolder holder : lookup.holders()) {
            boolean matches = ClaimCode.matches(normalizedCode, holder.code());
            if (hasCode(holder.device(), normalizedCode) & matches) {
                holders.add(holder.device());
            }
        }
        return holders;
    }

    private static boolean hasCode(DeviceState device, String normalizedCode) {
        boolean found = false;
        for (String code : device.claimCodes()) {
            found |= ClaimCode.matches(normalizedCode, code);
        }
        return found;
    }

    private void count(String outcome) {
        meters.counter(REQUESTS, OUTCOME, outcome).increment();
    }

    private static boolean ownedByAnother(DeviceState device, UUID userId) {
        return device.isOwned() && !device.isOwnedBy(userId);
    }

    private void claim(DeviceState device, UUID userId, List<String> apps, String method, String actor, Instant now) {
        List<UUID> owners = new ArrayList<>(device.users());
        owners.add(userId);
        Outbox.Row event = outbox.prepare(device.identity(),
                new ClaimEvents.OwnershipClaimed(device.identity(), userId, apps, method, now));
        ledger.record(device.identity(), owners, false, LedgerEntry.CLAIMED, userId, null, method, actor, event, now);
    }

    private void transfer(DeviceState device, UUID userId, List<String> apps, Instant now) {
        UUID previous = device.users().get(0);
        Outbox.Row event = outbox.prepare(device.identity(),
                new ClaimEvents.OwnershipTransferred(device.identity(), previous, userId, apps, now));
        ledger.record(device.identity(), List.of(userId), false, LedgerEntry.TRANSFERRED, userId, previous, ClaimEvents.BY_CODE,
                userId.toString(), event, now);
    }

    private void release(DeviceState device, UUID userId, String method, String actor, Instant now) {
        List<UUID> owners = new ArrayList<>(device.users());
        owners.remove(userId);
        Outbox.Row event = outbox.prepare(device.identity(),
                new ClaimEvents.OwnershipReleased(device.identity(), userId, method, now));
        ledger.record(device.identity(), owners, device.transferOpen() && !owners.isEmpty(), LedgerEntry.RELEASED, userId, null,
                method, actor, event, now);
    }

    private void reset(String identity, Optional<DeviceState> device, String method, String actor, Instant now) {
        UUID previous = device.filter(DeviceState::isOwned).map(d -> d.users().get(0)).orElse(null);
        Outbox.Row event = outbox.prepare(identity, new ClaimEvents.OwnershipReset(identity, method, now));
        // a device unknown to the projection gets the entry alone (the statement's update finds no row)
        ledger.record(identity, List.of(), false, LedgerEntry.RESET, null, previous, method, actor, event, now);
    }
}
