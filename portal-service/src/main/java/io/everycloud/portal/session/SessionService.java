package io.everycloud.portal.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import io.everycloud.portal.PortalConfig;
import io.everycloud.portal.upstream.ServicesClient;
import io.everycloud.portal.upstream.Tokens;
import io.everycloud.portal.upstream.UpstreamException;
import io.quarkus.scheduler.Scheduled;

/**
 * Server-side sessions behind an HttpOnly cookie: the browser holds a random secret, the
 * database holds its hash with the user's tokens (encrypted by {@link TokenCipher}) and the CSRF
 * token of the session's forms.
 */
@ApplicationScoped
public class SessionService {

    private static final Logger LOG = Logger.getLogger(SessionService.class);
    /** Refresh the access token this long before it expires, so a page never fails half-way. */
    private static final Duration REFRESH_AHEAD = Duration.ofSeconds(30);

    private final SecureRandom random = new SecureRandom();

    @Inject
    EntityManager entityManager;

    @Inject
    PortalConfig config;

    @Inject
    ServicesClient services;

    @Inject
    TokenCipher cipher;

    /** A fresh session together with the secret to put in the cookie. */
    public record Opened(PortalSession session, String cookieSecret) {
    }

    /** The live session for a cookie secret, if any; touches it. */
    @Transactional
    public Optional<PortalSession> find(String cookieSecret) {
        PortalSessionEntity row = row(cookieSecret);
        if (row == null) {
            return Optional.empty();
        }
        Instant now = Instant.now();
        if (row.lastUsedAt.plus(config.session().idleTimeout()).isBefore(now)) {
            entityManager.remove(row);
            return Optional.empty();
        }
        if (Duration.between(row.lastUsedAt, now).toMinutes() >= 1) {
            row.lastUsedAt = now;
        }
        return Optional.of(view(row));
    }

    /** Opens an anonymous session (for the CSRF token of sign-in and sign-up forms). */
    @Transactional
    public Opened open(String pendingNext) {
        String secret = secret();
        PortalSessionEntity row = new PortalSessionEntity();
        row.idHash = hash(secret);
        row.csrfToken = secret();
        row.pendingNext = pendingNext;
        row.createdAt = Instant.now();
        row.lastUsedAt = row.createdAt;
        entityManager.persist(row);
        return new Opened(view(row), secret);
    }

    /**
     * Signs the session in. The session gets a new secret (so a secret planted before sign-in is
     * worthless after it) and a new CSRF token; the pending destination is kept.
     */
    @Transactional
    public Opened signIn(PortalSession previous, Tokens tokens, String userId, String email) {
        String pendingNext = null;
        if (previous != null) {
            PortalSessionEntity old = entityManager.find(PortalSessionEntity.class, previous.idHash());
            if (old != null) {
                pendingNext = old.pendingNext;
                entityManager.remove(old);
            }
        }
        Opened opened = open(pendingNext);
        PortalSessionEntity row = entityManager.find(PortalSessionEntity.class, opened.session().idHash());
        row.userId = userId;
        row.email = email;
        store(row, tokens);
        return new Opened(view(row), opened.cookieSecret());
    }

    /** Remembers where to continue after signing in. */
    @Transactional
    public void rememberNext(PortalSession session, String next) {
        PortalSessionEntity row = entityManager.find(PortalSessionEntity.class, session.idHash());
        if (row != null) {
            row.pendingNext = next;
        }
    }

    /** Forgets the pending destination once it has been used. */
    @Transactional
    public void clearNext(PortalSession session) {
        rememberNext(session, null);
    }

    /**
     * The session's access token, refreshed first when it is about to expire. Empty when the
     * session cannot be kept signed in (then it is signed out).
     */
    @Transactional
    public Optional<String> accessToken(PortalSession session) {
        PortalSessionEntity row = entityManager.find(PortalSessionEntity.class, session.idHash());
        if (row == null || row.accessToken == null) {
            return Optional.empty();
        }
        Optional<String> access = cipher.decrypt(row.accessToken, row.idHash);
        if (access.isEmpty()) {
            // encrypted with a key this portal no longer has (restart without a configured key,
            // a retired key) or changed in the database: the session cannot be used
            LOG.debugf("a session's tokens could not be decrypted; signing it out");
            signOutRow(row);
            return Optional.empty();
        }
        boolean expiring = row.accessExpiresAt != null && row.accessExpiresAt.minus(REFRESH_AHEAD).isBefore(Instant.now());
        if (expiring) {
            Optional<String> refresh = cipher.decrypt(row.refreshToken, row.idHash);
            if (refresh.isEmpty()) {
                signOutRow(row);
                return Optional.empty();
            }
            try {
                Tokens tokens = services.refresh(refresh.get());
                store(row, tokens);
                return Optional.of(tokens.accessToken());
            } catch (UpstreamException e) {
                LOG.debugf("refreshing a session failed: %s", e.message());
                signOutRow(row);
                return Optional.empty();
            }
        }
        if (cipher.needsReencryption(row.accessToken) || cipher.needsReencryption(row.refreshToken)) {
            // after a key rotation: move the session to the current key
            row.accessToken = cipher.encrypt(access.get(), row.idHash);
            row.refreshToken = cipher.decrypt(row.refreshToken, row.idHash).map(t -> cipher.encrypt(t, row.idHash)).orElse(null);
        }
        return access;
    }

    /** Ends the session and revokes its refresh token at user-service. */
    @Transactional
    public void signOut(PortalSession session) {
        PortalSessionEntity row = entityManager.find(PortalSessionEntity.class, session.idHash());
        if (row != null) {
            Optional<String> refresh = cipher.decrypt(row.refreshToken, row.idHash);
            entityManager.remove(row);
            refresh.ifPresent(services::revoke);
        }
    }

    /** Removes sessions idle for longer than the timeout. */
    @Scheduled(every = "10m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    @Transactional
    void prune() {
        entityManager.createQuery("delete from PortalSessionEntity where lastUsedAt < :before")
                .setParameter("before", Instant.now().minus(config.session().idleTimeout())).executeUpdate();
    }

    private void signOutRow(PortalSessionEntity row) {
        row.userId = null;
        row.email = null;
        row.accessToken = null;
        row.refreshToken = null;
        row.accessExpiresAt = null;
    }

    private void store(PortalSessionEntity row, Tokens tokens) {
        row.accessToken = cipher.encrypt(tokens.accessToken(), row.idHash);
        if (tokens.refreshToken() != null) {
            row.refreshToken = cipher.encrypt(tokens.refreshToken(), row.idHash);
        }
        row.accessExpiresAt = Instant.now().plusSeconds(tokens.expiresInSeconds());
        row.lastUsedAt = Instant.now();
    }

    private PortalSessionEntity row(String cookieSecret) {
        if (cookieSecret == null || cookieSecret.length() < 20 || cookieSecret.length() > 100) {
            return null;
        }
        return entityManager.find(PortalSessionEntity.class, hash(cookieSecret));
    }

    private static PortalSession view(PortalSessionEntity row) {
        return new PortalSession(row.idHash, row.csrfToken, row.accessToken == null ? null : row.userId, row.email, row.pendingNext);
    }

    private String secret() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Constant-time comparison of a submitted CSRF token with the session's. */
    public static boolean csrfMatches(PortalSession session, String submitted) {
        return session != null && submitted != null && MessageDigest.isEqual(
                session.csrfToken().getBytes(StandardCharsets.UTF_8), submitted.getBytes(StandardCharsets.UTF_8));
    }
}
