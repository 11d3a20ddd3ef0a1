package io.everycloud.kit.security;

import java.time.Clock;

import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.everycloud.kit.config.EveryCloudConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;

/**
 * Wires {@link VerifiedTokens} into Quarkus security: an identity provider asked before
 * quarkus-oidc's answers a token it has seen (or passes, and quarkus-oidc verifies it), and an
 * augmentor run first on every identity remembers what quarkus-oidc accepted.
 * {@code everycloud.security.token-cache.*} sizes it; metrics {@code everycloud_token_cache_*}.
 */
public final class VerifiedTokenCache {

    private VerifiedTokenCache() {
    }

    /** The one cache of a service. */
    @Singleton
    public static class Producer {
        @Produces
        @Singleton
        VerifiedTokens verifiedTokens(EveryCloudConfig config, Instance<MeterRegistry> meters) {
            EveryCloudConfig.TokenCache settings = config.security().tokenCache();
            VerifiedTokens tokens = new VerifiedTokens(settings.maxSize(), settings.maxAge(), Clock.systemUTC());
            if (meters.isResolvable()) {
                MeterRegistry registry = meters.get();
                FunctionCounter.builder("everycloud.token.cache.hits", tokens, VerifiedTokens::hits)
                        .description("bearer tokens answered from the cache of verified tokens").register(registry);
                FunctionCounter.builder("everycloud.token.cache.misses", tokens, VerifiedTokens::misses)
                        .description("bearer tokens not in the cache (verified in full)").register(registry);
                Gauge.builder("everycloud.token.cache.size", tokens, VerifiedTokens::size)
                        .description("verified tokens remembered").register(registry);
            }
            return tokens;
        }
    }

    /** Answers a token seen before; otherwise null, and the next provider (quarkus-oidc) verifies it. */
    @Singleton
    public static class Provider implements IdentityProvider<TokenAuthenticationRequest> {

        private final VerifiedTokens tokens;

        Provider(VerifiedTokens tokens) {
            this.tokens = tokens;
        }

        @Override
        public Class<TokenAuthenticationRequest> getRequestType() {
            return TokenAuthenticationRequest.class;
        }

        @Override
        public int priority() {
            return SYSTEM_FIRST + 1000; // before quarkus-oidc's (the default, SYSTEM_FIRST + 1)
        }

        @Override
        public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
            if (!tokens.enabled()) {
                return Uni.createFrom().nullItem();
            }
            SecurityIdentity known = tokens.identity(request.getToken().getToken(),
                    HttpSecurityUtils.getRoutingContextAttribute(request));
            return Uni.createFrom().item(known);
        }
    }

    /** Remembers each identity a verified bearer token gave, before any other augmentor changes it. */
    @Singleton
    public static class Recorder implements SecurityIdentityAugmentor {

        private final VerifiedTokens tokens;

        Recorder(VerifiedTokens tokens) {
            this.tokens = tokens;
        }

        @Override
        public int priority() {
            return Integer.MAX_VALUE;
        }

        @Override
        public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
            if (tokens.enabled()) {
                TokenCredential token = identity.getCredential(TokenCredential.class);
                if (token != null && token.getToken() != null) {
                    tokens.remember(token.getToken(), identity);
                }
            }
            return Uni.createFrom().item(identity);
        }
    }
}
