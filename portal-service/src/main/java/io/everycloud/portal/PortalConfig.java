package io.everycloud.portal;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** portal-service's own settings ({@code portal.*}, environment {@code PORTAL_*}). */
@ConfigMapping(prefix = "portal")
public interface PortalConfig {

    /** Where the portal reaches the other services' HTTP APIs on the user's behalf. */
    Services services();

    /** Upload limits of the branding assets. */
    Branding branding();

    /** The browser session. */
    Session session();

    /** Base URLs of the services the pages read and act through. */
    interface Services {
        /** user-service (sign-up, verification, tokens, password). */
        @WithDefault("http://127.0.0.1:8103")
        String userUrl();

        /** device-registry-service (the user's devices). */
        @WithDefault("http://127.0.0.1:8101")
        String registryUrl();

        /** claim-service (claim preview and claiming). */
        @WithDefault("http://127.0.0.1:8102")
        String claimUrl();

        /** firmware-service (versions, OTA state, update requests). */
        @WithDefault("http://127.0.0.1:8104")
        String firmwareUrl();

        /** How long a page waits for another service before showing an error. */
        @WithDefault("10S")
        Duration timeout();
    }

    /** Limits of the files OEM operators upload to {@code /vendor}. */
    interface Branding {
        /** Largest image (brandlogo.png, device.png, favicon.ico), in bytes. */
        @WithDefault("1048576")
        int maxImageBytes();

        /** Largest branding.json, in bytes. */
        @WithDefault("65536")
        int maxJsonBytes();

        /** Largest image width or height, in pixels. */
        @WithDefault("4096")
        int maxImageDimension();
    }

    /** The portal's session cookie. */
    interface Session {
        /** Name of the session cookie. */
        @WithDefault("ec_session")
        String cookieName();

        /** How long a session lives without use. */
        @WithDefault("P1D")
        Duration idleTimeout();

        /**
         * AES key (base64 of 16, 24 or 32 bytes, e.g. from a Secret) encrypting the tokens kept with
         * sessions; generated at start when not set (then sessions end when the portal restarts).
         */
        java.util.Optional<String> tokenKey();

        /** Id of {@code token-key}, stored with every encrypted token so that keys can rotate. */
        @WithDefault("k1")
        String tokenKeyId();

        /** Earlier keys, still decrypting the sessions they encrypted: {@code <id>:<base64>,...}. */
        java.util.Optional<java.util.List<String>> previousTokenKeys();
    }
}
