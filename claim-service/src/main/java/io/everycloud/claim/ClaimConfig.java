package io.everycloud.claim;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** claim-service's own settings ({@code claim.*}, environment {@code CLAIM_*}). */
@ConfigMapping(prefix = "claim")
public interface ClaimConfig {

    RateLimit rateLimit();

    /** How long an ownership change this service announced wins over registry tag snapshots that do not show it yet. */
    @WithDefault("10M")
    Duration pendingOwnershipWindow();

    /**
     * How long a claim by email (user-service's device-account-ready) waits for a device the projection
     * does not know yet; counted from the event's time. Older requests are not applied, and are deleted.
     */
    @WithDefault("7D")
    Duration deviceEmailClaimWindow();

    Qr qr();

    Claims claims();

    /**
     * The group commit of claims by code ({@code POST /api/claims}): the claims waiting when a writer
     * is free are decided one after the other in one transaction and committed together.
     */
    interface Claims {
        /**
         * Writer threads, each with a transaction (and a database connection) of its own; the claims
         * of one client address always go to the same writer, in order.
         */
        @WithDefault("4")
        int writers();

        /** Most claims decided and committed together. */
        @WithDefault("32")
        int maxGroup();

        /** Claims waiting for a writer, all writers together; beyond it a claim is answered 503 with Retry-After. */
        @WithDefault("2000")
        int queueCapacity();
    }

    /** Limits on claim attempts (claims and previews); successful attempts do not count. */
    interface RateLimit {
        /** Failed attempts one user may make per window. */
        @WithDefault("10")
        int perUser();

        /** Failed attempts one client address may make per window (users behind one NAT share it). */
        @WithDefault("50")
        int perAddress();

        /** Length of the fixed counting window. */
        @WithDefault("15M")
        Duration window();

        /** Whether the client address is the last hop of X-Forwarded-For (set by the gateway) instead of the peer address. */
        @WithDefault("true")
        boolean trustForwardedFor();
    }

    /** QR code images. */
    interface Qr {
        /** Image width and height in pixels when {@code ?size=} is not given. */
        @WithDefault("300")
        int defaultSize();

        /** Largest {@code ?size=} accepted. */
        @WithDefault("2000")
        int maxSize();

        /** Most devices in one {@code POST /api/qr/batch}. */
        @WithDefault("10000")
        int maxBatch();
    }
}
