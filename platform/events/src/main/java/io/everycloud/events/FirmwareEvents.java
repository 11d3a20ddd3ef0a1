package io.everycloud.events;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;

/** Events of firmware-service, on {@link Topics#FIRMWARE_PACKAGE}, {@link Topics#FIRMWARE_COMMAND} and {@link Topics#FIRMWARE_UPDATE}. */
public final class FirmwareEvents {

    /** A firmware package is available to devices; subject is the package id. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PackagePublished(UUID packageId, String version, String name, String description, String type,
            String sha256, long size, Instant publishedAt) {
        public static final String TYPE = "package.published.v1";

        public PackagePublished {
            Objects.requireNonNull(packageId, "packageId");
            Objects.requireNonNull(version, "version");
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PackageDeleted(UUID packageId, String version, Instant deletedAt) {
        public static final String TYPE = "package.deleted.v1";

        public PackageDeleted {
            Objects.requireNonNull(packageId, "packageId");
        }
    }

    /** Write {@code config_otau} (the Exosite OTAU message) to the device; subject is the device identity. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ConfigOtauCommand(String identity, UUID updateId, JsonNode configOtau, Instant issuedAt) {
        public static final String TYPE = "command.config-otau.v1";

        public ConfigOtauCommand {
            Objects.requireNonNull(identity, "identity");
            Objects.requireNonNull(configOtau, "configOtau");
        }
    }

    /** The OTA state of one device moved; {@code state} is an {@code otau_in} status or TIMED_OUT / REQUESTED. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record UpdateStateChanged(String identity, UUID updateId, String version, String state, String message,
            UUID ownerId, boolean finished, Instant changedAt) {
        public static final String TYPE = "update.state-changed.v1";

        public UpdateStateChanged {
            Objects.requireNonNull(identity, "identity");
            Objects.requireNonNull(state, "state");
        }
    }

    /**
     * An "ask owners" rollout offers the version to the device's owners, who may take it
     * ({@code POST /api/firmware/devices/{identity}/update}) or decline it
     * ({@code .../decline}); subject is the device identity.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record UpdateOffered(String identity, UUID rolloutId, String version, String packageName, String description,
            List<UUID> ownerIds, Instant offeredAt) {
        public static final String TYPE = "update.offered.v1";

        public UpdateOffered {
            Objects.requireNonNull(identity, "identity");
            Objects.requireNonNull(rolloutId, "rolloutId");
            Objects.requireNonNull(version, "version");
            ownerIds = ownerIds == null ? List.of() : List.copyOf(ownerIds);
        }
    }

    private FirmwareEvents() {
    }
}
