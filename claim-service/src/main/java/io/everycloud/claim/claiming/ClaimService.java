package io.everycloud.claim.claiming;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.SystemException;
import jakarta.transaction.TransactionManager;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import io.everycloud.claim.ClaimConfig;
import io.everycloud.claim.code.ClaimCode;
import io.everycloud.claim.device.DeviceRepository;
import io.everycloud.claim.ownership.OwnershipService;
import io.everycloud.kit.group.GroupCommit;
import io.everycloud.kit.problem.ProblemException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.Arc;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Claims and previews by code, behind the attempt limits. Each attempt, in its transaction: the
 * attempt's counters are locked and checked (429 over the limit) and the code is looked up in one
 * statement, then decided. A refusal (404, 409, 410) writes nothing but one more failure on the
 * counters and commits that ({@code dontRollbackOn}); a claim commits its ownership change, its
 * event and its ledger entry, and leaves the counters as they were. Any other error rolls back.
 *
 * <p>Claims go through a group commit (the kit's {@link GroupCommit}, {@code claim.claims.*}): the
 * claims waiting when a writer is free are decided one after the other in one transaction, exactly
 * as they would be one by one (a later claim sees what an earlier one locked, wrote and counted), and
 * committed together; the answers go out after the commit. Concurrent claims thus share one commit
 * and the transaction's overhead, and the transactions in flight are the writers, not the requests.
 * A group that cannot commit (a deadlock with another writer, a claim that marked the transaction for
 * rollback) is decided again one claim per transaction, so each claim gets the answer it would have
 * got alone. The claims of one client address always go to the same writer: users behind one
 * address (a NAT, a gateway that sets no X-Forwarded-For) share its attempt counter's lock, which a
 * group holds until its commit, so their claims queue in one writer instead of making the writers
 * wait for each other. Previews are one transaction each.
 */
@ApplicationScoped
public class ClaimService {

    private static final Logger LOG = Logger.getLogger(ClaimService.class);

    /** A claim waiting for its writer; {@code done} completes after the commit. */
    record QueuedClaim(UUID userId, String normalizedCode, String address, CompletableFuture<List<String>> done) {
    }

    /** A claim's decision, answered once its transaction committed: the devices claimed, or the refusal. */
    record Decision(List<String> devices, ProblemException refusal) {
    }

    @Inject
    ClaimRateLimiter limiter;

    @Inject
    OwnershipService ownership;

    @Inject
    ClaimConfig config;

    @Inject
    TransactionManager transactions;

    @Inject
    MeterRegistry meters;

    private volatile GroupCommit<QueuedClaim> groups;

    void start(@Observes StartupEvent event) {
        ClaimConfig.Claims settings = config.claims();
        // decide() through the bean's client proxy, so that its @Transactional applies
        ClaimService self = Arc.container().instance(ClaimService.class).get();
        GroupCommit<QueuedClaim> started = new GroupCommit<>("claim.claims", settings.writers(), settings.queueCapacity(),
                settings.maxGroup(), group -> {
                    List<Decision> decisions = self.decide(group);
                    for (int i = 0; i < group.size(); i++) {
                        Decision decision = decisions.get(i);
                        if (decision.refusal() != null) {
                            group.get(i).done().completeExceptionally(decision.refusal());
                        } else {
                            group.get(i).done().complete(decision.devices());
                        }
                    }
                }, ClaimService::failed, meters);
        started.start();
        groups = started;
    }

    void stop(@Observes ShutdownEvent event) {
        if (groups != null) {
            groups.stop(Duration.ofSeconds(5), ProblemException.unavailable("the service is shutting down"));
        }
    }

    /**
     * Queues a claim of the devices of {@code code} for the user; the future completes after its
     * commit with the devices now owned, or exceptionally with the refusal. A malformed code is
     * refused at once (400), a claim beyond {@code claim.claims.queue-capacity} too (503).
     */
    public CompletableFuture<List<String>> claim(UUID userId, String code, String address) {
        QueuedClaim claim = new QueuedClaim(userId, validCode(code), address, new CompletableFuture<>());
        GroupCommit<QueuedClaim> writers = groups;
        if (writers == null || !writers.submit(address, claim)) {
            throw ProblemException.unavailable("too many claims are waiting; retry later");
        }
        return claim.done();
    }

    /**
     * Decides the claims one after the other in one transaction; returns their decisions, in order,
     * once it committed. Throws (and the transaction rolls back) if the group must not commit as a whole.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    List<Decision> decide(List<QueuedClaim> group) throws SystemException {
        List<Decision> decisions = new ArrayList<>(group.size());
        for (QueuedClaim claim : group) {
            Decision decision;
            try {
                decision = new Decision(limited(claim.userId(), claim.normalizedCode(), claim.address(),
                        (normalized, lookups) -> ownership.claimByCode(claim.userId(), normalized, lookups)), null);
            } catch (ProblemException refused) {
                decision = new Decision(null, refused);
            }
            if (transactions.getStatus() == Status.STATUS_MARKED_ROLLBACK) {
                // alone, the claim's refusal is its answer (and nothing commits), as without the group
                if (group.size() == 1 && decision.refusal() != null) {
                    throw decision.refusal();
                }
                throw new IllegalStateException("a claim marked the group's transaction for rollback");
            }
            decisions.add(decision);
        }
        return decisions;
    }

    @Transactional(dontRollbackOn = ProblemException.class)
    public OwnershipService.Preview preview(UUID userId, String code, String address) {
        return limited(userId, validCode(code), address, (normalized, lookups) -> ownership.preview(userId, normalized, lookups));
    }

    /**
     * A decision on a code behind the attempt limits, in the caller's transaction: the code is looked
     * up in the statement that locks and checks the attempt's counters, and a refusal other than the
     * limit itself counts one more failure.
     */
    private <T> T limited(UUID userId, String normalized, String address,
            BiFunction<String, Function<DeviceRepository.CodeQuery, DeviceRepository.CodeLookup>, T> decision) {
        ClaimRateLimiter.Attempt attempt = limiter.attempt(userId, address);
        try {
            return decision.apply(normalized, lookup -> limiter.check(attempt, lookup));
        } catch (ProblemException refused) {
            if (!ClaimRateLimiter.isLimitReached(refused)) {
                limiter.countFailure(attempt);
            }
            throw refused;
        }
    }

    private static void failed(QueuedClaim claim, Exception e) {
        if (e instanceof ProblemException problem) {
            claim.done().completeExceptionally(problem);
            return;
        }
        LOG.errorf(e, "a claim of user %s could not be decided", claim.userId());
        claim.done().completeExceptionally(e);
    }

    private static String validCode(String code) {
        String problem = ClaimCode.problem(code);
        if (problem != null) {
            throw ProblemException.badRequest("code", problem);
        }
        return ClaimCode.normalize(code);
    }
}
