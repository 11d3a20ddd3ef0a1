package io.everycloud.events;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** Events of claim-service, on {@link Topics#CLAIM_OWNERSHIP}; the subject is the device identity. */
public final class ClaimEvents {

    /** How an ownership change came about. */
    public static final String BY_CODE = "claim-code";
    public static final String BY_DEVICE_EMAIL = "device-email";
    public static final String BY_OEM = "oem";
    public static final String BY_OWNER = "owner";
    public static final String BY_DEVICE = "device";

    /** A user claimed the device; {@code apps} are the user's default apps to add to its {@code apps} tag. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record OwnershipClaimed(String identity, UUID userId, List<String> apps, String method, Instant claimedAt) {
        public static final String TYPE = "ownership.claimed.v1";

        public OwnershipClaimed {
            Objects.requireNonNull(identity, "identity");
            Objects.requireNonNull(userId, "userId");
            apps = apps == null ? List.of() : List.copyOf(apps);
        }
    }

    /** The device moved from one owner to another (a new claim code was used). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record OwnershipTransferred(String identity, UUID fromUserId, UUID toUserId, List<String> apps, Instant transferredAt) {
        public static final String TYPE = "ownership.transferred.v1";

        public OwnershipTransferred {
            Objects.requireNonNull(identity, "identity");
            Objects.requireNonNull(toUserId, "toUserId");
            apps = apps == null ? List.of() : List.copyOf(apps);
        }
    }

    /** The owner released the device: remove the user from its {@code users} tag. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record OwnershipReleased(String identity, UUID userId, String method, Instant releasedAt) {
        public static final String TYPE = "ownership.released.v1";

        public OwnershipReleased {
            Objects.requireNonNull(identity, "identity");
        }
    }

    /** Hard reset (oem or {@code pdaas_reset}): remove {@code users} and {@code apps}; the claim code stays. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record OwnershipReset(String identity, String method, Instant resetAt) {
        public static final String TYPE = "ownership.reset.v1";

        public OwnershipReset {
            Objects.requireNonNull(identity, "identity");
        }
    }

    /** A device asked to be claimed by the owner of an email address ({@code pdaas_user_email}). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record AccountRequested(String identity, String email, Instant requestedAt) {
        public static final String TYPE = "ownership.account-requested.v1";

        public AccountRequested {
            Objects.requireNonNull(identity, "identity");
            Objects.requireNonNull(email, "email");
        }
    }

    /** The device set its own claim code ({@code pdaas_claim_code}): replace the {@code claim_code} tag. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ClaimCodeSet(String identity, String claimCode, Instant setAt) {
        public static final String TYPE = "ownership.claim-code-set.v1";

        public ClaimCodeSet {
            Objects.requireNonNull(identity, "identity");
            Objects.requireNonNull(claimCode, "claimCode");
        }
    }

    private ClaimEvents() {
    }
}
