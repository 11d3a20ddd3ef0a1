package io.everycloud.claim.claiming;

import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import io.everycloud.claim.code.ClaimCode;
import io.everycloud.claim.device.DeviceRepository;
import io.everycloud.claim.ownership.OwnershipService;
import io.everycloud.kit.problem.ProblemException;

/**
 * Claims and previews by code, behind the attempt limits, each in one transaction: the attempt's
 * counters are locked and checked (429 over the limit) and the code is looked up in one statement,
 * then decided. A refusal (404, 409, 410) writes nothing but one more failure on the counters and
 * commits that ({@code dontRollbackOn}); a claim commits its ownership change, its event and its
 * ledger entry, and leaves the counters as they were. Any other error rolls everything back.
 */
@ApplicationScoped
public class ClaimService {

    @Inject
    ClaimRateLimiter limiter;

    @Inject
    OwnershipService ownership;

    @Transactional(dontRollbackOn = ProblemException.class)
    public List<String> claim(UUID userId, String code, String address) {
        return limited(userId, code, address, (normalized, lookups) -> ownership.claimByCode(userId, normalized, lookups));
    }

    @Transactional(dontRollbackOn = ProblemException.class)
    public OwnershipService.Preview preview(UUID userId, String code, String address) {
        return limited(userId, code, address, (normalized, lookups) -> ownership.preview(userId, normalized, lookups));
    }

    /**
     * A decision on a code behind the attempt limits, in the caller's transaction: the code is looked
     * up in the statement that locks and checks the attempt's counters, and a refusal other than the
     * limit itself counts one more failure.
     */
    private <T> T limited(UUID userId, String code, String address,
            BiFunction<String, Function<DeviceRepository.CodeQuery, DeviceRepository.CodeLookup>, T> decision) {
        String normalized = validCode(code);
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

    private static String validCode(String code) {
        String problem = ClaimCode.problem(code);
        if (problem != null) {
            throw ProblemException.badRequest("code", problem);
        }
        return ClaimCode.normalize(code);
    }
}
