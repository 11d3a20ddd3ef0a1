package io.everycloud.kit.security;

import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.vertx.ext.web.RoutingContext;

import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The identities of bearer tokens quarkus-oidc has verified, kept until the token expires (and at
 * most {@code maxAge}), so that a token sent again is neither parsed nor its RSA signature checked
 * again. A client sends one access token with many requests (the portal forwards the user's to
 * every service, an application keeps its client-credentials token), and that check was about
 * half of the registry's CPU per tag search (JFR, docs/benchmarks.md).
 *
 * <p>Only what quarkus-oidc accepted is remembered (a rejected token is checked in full each time);
 * the key is the whole token, compared in full. An entry is used only while the token's {@code exp}
 * is in the future, so an expired token is refused exactly as before. A signing key taken out of
 * the issuer's key set stops being honoured for cached tokens after {@code maxAge}, as quarkus-oidc
 * itself keeps the key set it fetched. At most {@code maxSize} entries: when full, expired entries
 * go first, then arbitrary ones.
 *
 * <p>The stored identity holds no request: the attributes quarkus-oidc ties to the request that
 * verified the token (its routing context, its authentication context) are left out, and
 * {@link #identity} puts the current request's in.
 */
public final class VerifiedTokens {

    private record Entry(SecurityIdentity identity, long expiresAtMillis) {
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final int maxSize;
    private final long maxAgeMillis;
    private final Clock clock;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    public VerifiedTokens(int maxSize, Duration maxAge, Clock clock) {
        this.maxSize = maxSize;
        this.maxAgeMillis = maxAge.toMillis();
        this.clock = clock;
    }

    /** Whether tokens are remembered at all ({@code max-size} 0 turns the cache off). */
    public boolean enabled() {
        return maxSize > 0 && maxAgeMillis > 0;
    }

    /**
     * The identity of a token verified before, for the request of {@code routingContext}; null when
     * the token is not known or no longer valid (it is then verified in full).
     */
    public SecurityIdentity identity(String token, RoutingContext routingContext) {
        Entry entry = entries.get(token);
        if (entry == null) {
            misses.incrementAndGet();
            return null;
        }
        if (clock.millis() >= entry.expiresAtMillis()) {
            entries.remove(token, entry);
            misses.incrementAndGet();
            return null;
        }
        hits.incrementAndGet();
        QuarkusSecurityIdentity.Builder builder = copy(entry.identity());
        if (routingContext != null) {
            builder.addAttribute(RoutingContext.class.getName(), routingContext);
            Object requestContext = routingContext.get(AuthenticationRequestContext.class.getName());
            if (requestContext != null) {
                builder.addAttribute(AuthenticationRequestContext.class.getName(), requestContext);
            }
        }
        return builder.build();
    }

    /** Remembers the identity quarkus-oidc made of {@code token}, if the token says when it expires. */
    public void remember(String token, SecurityIdentity identity) {
        if (!enabled() || identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return;
        }
        long now = clock.millis();
        long expiresAt = Math.min(jwt.getExpirationTime() * 1000, now + maxAgeMillis);
        if (expiresAt <= now || entries.containsKey(token)) {
            return;
        }
        if (entries.size() >= maxSize) {
            makeRoom(now);
        }
        entries.put(token, new Entry(copy(identity).build(), expiresAt));
    }

    /** Drops the expired entries, then arbitrary ones until a tenth of the room is free. */
    private void makeRoom(long now) {
        entries.values().removeIf(e -> now >= e.expiresAtMillis());
        int target = maxSize - Math.max(1, maxSize / 10);
        Iterator<String> keys = entries.keySet().iterator();
        while (entries.size() > target && keys.hasNext()) {
            keys.next();
            keys.remove();
        }
    }

    public int size() {
        return entries.size();
    }

    public long hits() {
        return hits.get();
    }

    public long misses() {
        return misses.get();
    }

    /** The identity without the attributes that belong to one request. */
    private static QuarkusSecurityIdentity.Builder copy(SecurityIdentity identity) {
        Map<String, Object> attributes = new HashMap<>(identity.getAttributes());
        attributes.values().removeIf(v -> v instanceof RoutingContext || v instanceof AuthenticationRequestContext);
        Principal principal = identity.getPrincipal();
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(principal)
                .addRoles(identity.getRoles())
                .addCredentials(identity.getCredentials())
                .addPermissions(identity.getPermissions())
                .addAttributes(attributes);
    }
}
