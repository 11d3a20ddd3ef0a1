package io.everycloud.kit.config;

import java.time.Duration;
import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Configuration shared by every service ({@code everycloud.*}, environment {@code EVERYCLOUD_*}). */
@ConfigMapping(prefix = "everycloud")
public interface EveryCloudConfig {

    /** The connector (product) id this deployment serves; used in QR codes and firmware metadata. */
    @WithDefault("dev-product")
    String productId();

    /** Public base URL of the portal, used in QR codes and email links. */
    @WithDefault("http://localhost:8080")
    String publicUrl();

    /** Base URL where services reach the token issuer (user-service) for its keys. */
    @WithDefault("http://127.0.0.1:8103")
    String issuerUrl();

    /** The {@code iss} claim tokens carry. */
    String tokenIssuer();

    Outbox outbox();

    Inbox inbox();

    Http http();

    Security security();

    /** How bearer tokens are checked. */
    interface Security {
        TokenCache tokenCache();
    }

    /**
     * The cache of verified bearer tokens (the kit's {@code VerifiedTokens}): a token quarkus-oidc
     * accepted is answered from memory until it expires, for at most {@code max-age}.
     */
    interface TokenCache {
        /** Most tokens remembered; 0 turns the cache off (every request's token is verified in full). */
        @WithDefault("1000")
        int maxSize();

        /**
         * Longest time a token is answered from the cache, whatever its own expiry: how long a
         * signing key taken out of the issuer's key set is still honoured for tokens already seen.
         */
        @WithDefault("5M")
        Duration maxAge();
    }

    /** The transactional outbox relay. */
    interface Outbox {
        /** Whether this service relays its outbox to Kafka. */
        @WithDefault("true")
        boolean enabled();

        /** Most rows sent per relay round. */
        @WithDefault("500")
        int batchSize();

        /** Safety poll interval; commits wake the relay at once. */
        @WithDefault("1S")
        Duration pollInterval();

        /**
         * How long the relay, once woken by a commit, waits for more commits before it reads the
         * outbox: the commits of that time go to Kafka in one round (one transaction, one request).
         * It adds at most this much to an event's way to Kafka; zero relays each wake-up at once.
         */
        @WithDefault("5MS")
        Duration linger();

        /** Longest wait between attempts while Kafka is unreachable. */
        @WithDefault("5S")
        Duration maxBackoff();

        /** How long sent rows are kept before pruning. */
        @WithDefault("P7D")
        Duration retention();
    }

    /** The idempotent inbox. */
    interface Inbox {
        /** Attempts to apply an event before it goes to the dead-letter topic. */
        @WithDefault("3")
        int attempts();

        /** Pause between attempts (doubled each time). */
        @WithDefault("200MS")
        Duration retryDelay();

        /** How long applied event ids are remembered (longer than Kafka's retention). */
        @WithDefault("P14D")
        Duration retention();
    }

    /** HTTP limits answered with problem+json. */
    interface Http {
        /** Largest request body, in bytes, unless a path prefix has its own limit. */
        @WithDefault("1048576")
        long maxBodyBytes();

        /** Larger (or smaller) limits per path prefix, e.g. {@code "/api/firmware/packages"=536870912}. */
        Map<String, Long> bodyLimits();

        /**
         * Longest request target (path and query as sent, {@code %}-escapes counted as written), in
         * characters; a longer one is a 414 problem+json. The HTTP decoder's request-line limit
         * ({@code quarkus.http.limits.max-initial-line-length}, 16384 in the kit) must stay above it.
         */
        @WithDefault("8192")
        int maxRequestTargetLength();
    }
}
