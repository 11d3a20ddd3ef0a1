package io.everycloud.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;

/** Events of device-registry-service, on {@link Topics#REGISTRY_DEVICE}, {@link Topics#REGISTRY_RESOURCE} and {@link Topics#REGISTRY_DATA}. */
public final class RegistryEvents {

    /** A device identity was provisioned by the OEM (or created by an activation in open mode). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DeviceProvisioned(String identity, Map<String, List<String>> tags, Instant provisionedAt) {
        public static final String TYPE = "device.provisioned.v1";

        public DeviceProvisioned {
            Objects.requireNonNull(identity, "identity");
            tags = tags == null ? Map.of() : Map.copyOf(tags);
        }
    }

    /** A device activated and received a token; the token's SHA-256 lets other services authenticate the device. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DeviceActivated(String identity, String tokenHash, Instant activatedAt) {
        public static final String TYPE = "device.activated.v1";

        public DeviceActivated {
            Objects.requireNonNull(identity, "identity");
            Objects.requireNonNull(tokenHash, "tokenHash");
        }
    }

    /** The device's tags changed; {@code tags} is the full set after the change. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DeviceTagsChanged(String identity, Map<String, List<String>> tags) {
        public static final String TYPE = "device.tags-changed.v1";

        public DeviceTagsChanged {
            Objects.requireNonNull(identity, "identity");
            tags = tags == null ? Map.of() : Map.copyOf(tags);
        }
    }

    /** The device may activate again; its previous token no longer works. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DeviceReset(String identity, Instant resetAt) {
        public static final String TYPE = "device.reset.v1";

        public DeviceReset {
            Objects.requireNonNull(identity, "identity");
        }
    }

    /** The device was deleted. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DeviceDeleted(String identity, Instant deletedAt) {
        public static final String TYPE = "device.deleted.v1";

        public DeviceDeleted {
            Objects.requireNonNull(identity, "identity");
        }
    }

    /**
     * A resource (alias) got a new value. {@code origin} is {@code device} (written through the
     * device API) or {@code platform} (written for the device to read).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ResourceWritten(String identity, String alias, String value, String origin, Instant writtenAt) {
        public static final String TYPE = "resource.written.v1";
        public static final String FROM_DEVICE = "device";
        public static final String FROM_PLATFORM = "platform";

        public ResourceWritten {
            Objects.requireNonNull(identity, "identity");
            Objects.requireNonNull(alias, "alias");
            Objects.requireNonNull(origin, "origin");
        }
    }

    /** Device data after the product's transform, for one application listed in the device's {@code apps} tag. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DataRouted(String identity, String appId, String alias, JsonNode data, Instant receivedAt) {
        public static final String TYPE = "data.routed.v1";

        public DataRouted {
            Objects.requireNonNull(identity, "identity");
            Objects.requireNonNull(appId, "appId");
        }
    }

    private RegistryEvents() {
    }
}
