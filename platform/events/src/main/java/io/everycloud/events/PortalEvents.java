package io.everycloud.events;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;

/** Events of portal-service, on {@link Topics#PORTAL_SETTINGS}; the subject is the product id. */
public final class PortalEvents {

    /**
     * Branding changed. {@code branding} is the whole branding.json in force; the URLs point to
     * the assets as served publicly (they change with the content, so mail clients refetch).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record BrandingChanged(JsonNode branding, String logoUrl, String devicePictureUrl, String faviconUrl,
            Instant changedAt) {
        public static final String TYPE = "branding.changed.v1";

        public BrandingChanged {
            Objects.requireNonNull(branding, "branding");
        }
    }

    /** Connector settings changed: public domain, managed apps, publication. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SettingsChanged(String domain, List<String> managedApps, String publicationMode,
            List<String> businessWhitelist, Instant changedAt) {
        public static final String TYPE = "settings.changed.v1";

        public SettingsChanged {
            managedApps = managedApps == null ? List.of() : List.copyOf(managedApps);
            businessWhitelist = businessWhitelist == null ? List.of() : List.copyOf(businessWhitelist);
        }
    }

    /** Metadata of an application shown in the portal was set or (with {@code deleted}) removed. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record AppChanged(String appId, String name, String description, String url, String logoUrl,
            boolean deleted, Instant changedAt) {
        public static final String TYPE = "app.changed.v1";

        public AppChanged {
            Objects.requireNonNull(appId, "appId");
        }
    }

    private PortalEvents() {
    }
}
