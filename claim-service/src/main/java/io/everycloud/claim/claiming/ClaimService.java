package io.everycloud.claim.claiming;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import io.everycloud.claim.code.ClaimCode;
import io.everycloud.claim.ownership.OwnershipService;
import io.everycloud.kit.problem.ProblemException;

/**
 * Claims and previews by code, behind the attempt limits. The attempt is reserved in a transaction
 * of its own, committed before the code is looked up (concurrent guesses see each other); the
 * claim and the refund of a successful attempt then commit together in one transaction, and a
 * failed claim rolls both back, so its attempt keeps counting. Two commits per claim, not three.
 */
@ApplicationScoped
public class ClaimService {

    @Inject
    ClaimRateLimiter limiter;

    @Inject
    OwnershipService ownership;

    @Transactional
    public List<String> claim(UUID userId, String code, String address) {
        String normalized = validCode(code);
        ClaimRateLimiter.Reservation reservation = limiter.reserve(userId, address);
        List<String> claimed = ownership.claimByCode(userId, normalized);
        limiter.refund(reservation);
        return claimed;
    }

    @Transactional
    public OwnershipService.Preview preview(UUID userId, String code, String address) {
        String normalized = validCode(code);
        ClaimRateLimiter.Reservation reservation = limiter.reserve(userId, address);
        OwnershipService.Preview preview = ownership.preview(userId, normalized);
        limiter.refund(reservation);
        return preview;
    }

    private static String validCode(String code) {
        String problem = ClaimCode.problem(code);
        if (problem != null) {
            throw ProblemException.badRequest("code", problem);
        }
        return ClaimCode.normalize(code);
    }
}
