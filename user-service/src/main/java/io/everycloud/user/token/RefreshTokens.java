package io.everycloud.user.token;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import io.everycloud.user.config.UserConfig;
import io.everycloud.user.password.PasswordHasher;
import io.quarkus.scheduler.Scheduled;

/**
 * Rotating refresh tokens: each one is good for a single use, which hands out its successor in
 * the same family. Presenting a used token again revokes the family, because either it was
 * stolen or its holder lost the race to a thief. Blocking, deleting an account or changing its
 * password revokes all of the account's tokens at once.
 */
@ApplicationScoped
public class RefreshTokens {

    private static final Logger LOG = Logger.getLogger(RefreshTokens.class);

    @Inject
    UserConfig config;

    /** The raw token to hand out, and the row now stored for it. */
    public record Issued(String token, RefreshToken row) {
    }

    /** Starts a new family (a login). */
    @Transactional(Transactional.TxType.MANDATORY)
    public Issued issue(UUID accountId, String clientId) {
        return issue(accountId, clientId, UUID.randomUUID());
    }

    /**
     * Uses a token: answers its successor, or empty when the token is unknown, expired, used
     * (then its family is revoked) or belongs to another client.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<RefreshToken> use(String token, Instant now) {
        RefreshToken row = RefreshToken.findById(PasswordHasher.sha256(token));
        if (row == null) {
            return Optional.empty();
        }
        if (row.usedAt != null) {
            long revoked = RefreshToken.delete("familyId", row.familyId);
            LOG.warnf("a used refresh token of account %s was presented again; revoked its family (%d tokens)",
                    row.accountId, revoked);
            return Optional.empty();
        }
        if (!row.expiresAt.isAfter(now)) {
            row.delete();
            return Optional.empty();
        }
        row.usedAt = now;
        return Optional.of(row);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public Issued successor(RefreshToken used) {
        return issue(used.accountId, used.clientId, used.familyId);
    }

    /** What {@link #revoke} did. */
    public enum Revocation {
        /** The token's family is gone (it was live, or used already). */
        REVOKED,
        /** No such token (never issued, expired and pruned, or revoked before). */
        UNKNOWN,
        /** The token belongs to another client; nothing was revoked. */
        OTHER_CLIENT
    }

    /**
     * RFC 7009 revocation by the client the token was issued to: the token and every token of
     * its rotation family (its predecessors and successors of the same login) are deleted, so
     * neither it nor a successor someone obtained with it can be used again.
     */
    @Transactional
    public Revocation revoke(String token, String clientId) {
        RefreshToken row = RefreshToken.findById(PasswordHasher.sha256(token));
        if (row == null) {
            return Revocation.UNKNOWN;
        }
        if (!row.clientId.equals(clientId)) {
            return Revocation.OTHER_CLIENT;
        }
        long revoked = RefreshToken.delete("familyId", row.familyId);
        LOG.debugf("revoked a refresh token family of account %s (%d tokens)", row.accountId, revoked);
        return Revocation.REVOKED;
    }

    /** Revokes every refresh token of the account (blocked, deleted, password changed). */
    @Transactional(Transactional.TxType.MANDATORY)
    public long revokeAll(UUID accountId) {
        return RefreshToken.delete("accountId", accountId);
    }

    @Scheduled(every = "1h", delayed = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    @Transactional
    void pruneExpired() {
        long pruned = RefreshToken.delete("expiresAt < ?1", Instant.now());
        if (pruned > 0) {
            LOG.debugf("pruned %d expired refresh tokens", pruned);
        }
    }

    private Issued issue(UUID accountId, String clientId, UUID familyId) {
        String token = PasswordHasher.randomToken();
        Instant now = Instant.now();
        RefreshToken row = new RefreshToken();
        row.tokenHash = PasswordHasher.sha256(token);
        row.familyId = familyId;
        row.accountId = accountId;
        row.clientId = clientId;
        row.createdAt = now;
        row.expiresAt = now.plus(config.tokens().refreshTokenTtl());
        row.persist();
        return new Issued(token, row);
    }
}
