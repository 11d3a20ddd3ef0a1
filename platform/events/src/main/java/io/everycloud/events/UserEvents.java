package io.everycloud.events;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;

/** Events of user-service, on {@link Topics#USER_ACCOUNT}; the subject is the user id. */
public final class UserEvents {

    /** Where an account came from. */
    public static final String ORIGIN_SIGNUP = "signup";
    public static final String ORIGIN_DEVICE_CLAIM = "device-claim";
    public static final String ORIGIN_OEM = "oem";

    /**
     * An account was created. For a sign-up, {@code verificationUrl} is the single-use link to
     * send; {@code status} is {@code pending} or {@code active}.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record AccountRegistered(UUID userId, String email, String name, String origin, String status,
            String verificationUrl, Instant expiresAt, Instant registeredAt) {
        public static final String TYPE = "account.registered.v1";

        public AccountRegistered {
            Objects.requireNonNull(userId, "userId");
            Objects.requireNonNull(email, "email");
            Objects.requireNonNull(origin, "origin");
        }
    }

    /**
     * The account a device asked for ({@code pdaas_user_email}) is ready: claim the device for it.
     * {@code newAccount} tells whether it was just created; then {@code setupUrl} sets its password.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DeviceAccountReady(UUID userId, String email, String identity, boolean newAccount,
            String setupUrl, Instant expiresAt) {
        public static final String TYPE = "account.device-account-ready.v1";

        public DeviceAccountReady {
            Objects.requireNonNull(userId, "userId");
            Objects.requireNonNull(email, "email");
            Objects.requireNonNull(identity, "identity");
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record AccountVerified(UUID userId, String email, Instant verifiedAt) {
        public static final String TYPE = "account.verified.v1";

        public AccountVerified {
            Objects.requireNonNull(userId, "userId");
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record AccountBlocked(UUID userId, Instant blockedAt) {
        public static final String TYPE = "account.blocked.v1";

        public AccountBlocked {
            Objects.requireNonNull(userId, "userId");
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record AccountUnblocked(UUID userId, Instant unblockedAt) {
        public static final String TYPE = "account.unblocked.v1";

        public AccountUnblocked {
            Objects.requireNonNull(userId, "userId");
        }
    }

    /** The email or name of an account changed. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record AccountUpdated(UUID userId, String email, String name, Instant updatedAt) {
        public static final String TYPE = "account.updated.v1";

        public AccountUpdated {
            Objects.requireNonNull(userId, "userId");
        }
    }

    /** A user data key was set ({@code value} present) or removed ({@code value} null). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record UserDataChanged(UUID userId, String key, JsonNode value, Instant changedAt) {
        public static final String TYPE = "account.data-changed.v1";

        public UserDataChanged {
            Objects.requireNonNull(userId, "userId");
            Objects.requireNonNull(key, "key");
        }
    }

    /** A password reset was asked for an existing account; {@code resetUrl} is the single-use link. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PasswordResetRequested(UUID userId, String email, String resetUrl, Instant expiresAt) {
        public static final String TYPE = "account.password-reset-requested.v1";

        public PasswordResetRequested {
            Objects.requireNonNull(userId, "userId");
            Objects.requireNonNull(email, "email");
            Objects.requireNonNull(resetUrl, "resetUrl");
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record AccountDeleted(UUID userId, Instant deletedAt) {
        public static final String TYPE = "account.deleted.v1";

        public AccountDeleted {
            Objects.requireNonNull(userId, "userId");
        }
    }

    private UserEvents() {
    }
}
