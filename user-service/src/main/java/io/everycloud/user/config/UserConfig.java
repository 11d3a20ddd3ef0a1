package io.everycloud.user.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * user-service settings ({@code user-service.*}; environment {@code USER_SERVICE_*}). Not {@code user.*}:
 * the JVM owns that namespace ({@code user.home}, {@code user.dir}, ...).
 */
@ConfigMapping(prefix = "user-service")
public interface UserConfig {

    Tokens tokens();

    Keys keys();

    Links links();

    Throttle throttle();

    Admin admin();

    Passwords passwords();

    Data data();

    /** Access and refresh tokens. */
    interface Tokens {
        /** How long an access token is valid. */
        @WithDefault("5M")
        Duration accessTokenTtl();

        /** How long a refresh token is valid (each use issues a new one). */
        @WithDefault("P30D")
        Duration refreshTokenTtl();

        /** The {@code aud} claim of every token. */
        @WithDefault("everycloud")
        String audience();

        /** First-party clients allowed to use the password grant. */
        @WithDefault("portal,cli")
        java.util.List<String> firstPartyClients();
    }

    /** RS256 signing keys. */
    interface Keys {
        /** A PKCS#8 PEM private RSA key to sign with (e.g. from a Kubernetes Secret); otherwise keys are generated and kept in the database. */
        Optional<String> privateKeyPem();

        /** How long a generated key signs before the next one takes over. */
        @WithDefault("P30D")
        Duration rotation();

        /** How long a new key is published before it signs, so verifiers that cached the JWKS learn it first. */
        @WithDefault("15M")
        Duration prepublish();

        /** RSA modulus size of generated keys. */
        @WithDefault("2048")
        int size();
    }

    /** Single-use links sent by e-mail. */
    interface Links {
        /** How long a sign-up verification link works. */
        @WithDefault("P1D")
        Duration verificationTtl();

        /** How long a password-reset link works. */
        @WithDefault("1H")
        Duration resetTtl();

        /** How long the set-password link of an account created for a device (or by an operator) works. */
        @WithDefault("P7D")
        Duration setupTtl();

        /** Fewest time between two reset e-mails for one account (further requests are quietly ignored). */
        @WithDefault("1M")
        Duration resetInterval();

        /**
         * Most sign-up e-mails (the verification link, or for an address that has an account a
         * reset link) one address gets per {@link #signupEmailWindow()}; a further sign-up is
         * answered 429 with Retry-After. Reset links of {@code POST /api/password-reset} count too.
         */
        @WithDefault("3")
        int signupEmailsPerAddress();

        /** The window of {@link #signupEmailsPerAddress()}. */
        @WithDefault("1H")
        Duration signupEmailWindow();
    }

    /** Brute-force protection of the password grant. */
    interface Throttle {
        /** Consecutive wrong passwords after which an account is locked. */
        @WithDefault("5")
        int accountFailures();

        /** How long a locked account stays locked. */
        @WithDefault("15M")
        Duration accountLock();

        /** Failed logins from one client address within the window after which the address is refused. */
        @WithDefault("20")
        int addressFailures();

        /** The window over which an address's failures are counted, and how long it is refused after. */
        @WithDefault("15M")
        Duration addressWindow();
    }

    /** The first OEM operator, created at first start when there is none. */
    interface Admin {
        /** Its e-mail address. */
        @WithDefault("admin@everycloud.local")
        String email();

        /** Its password; a generated one is printed once to the log when none is given. */
        Optional<String> password();
    }

    /** Password hashing (Argon2id). */
    interface Passwords {
        /** Argon2id memory in KiB. */
        @WithDefault("19456")
        int memoryKib();

        /** Argon2id iterations. */
        @WithDefault("2")
        int iterations();

        /** Argon2id parallelism. */
        @WithDefault("1")
        int parallelism();
    }

    /** User data limits. */
    interface Data {
        /** Most keys one user may have. */
        @WithDefault("100")
        int maxKeys();

        /** Largest value, in bytes of JSON. */
        @WithDefault("16384")
        int maxValueBytes();
    }
}
