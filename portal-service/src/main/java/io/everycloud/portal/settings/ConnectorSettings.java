package io.everycloud.portal.settings;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * The connector settings (seed: webservice sub-domain, "Managed Apps", "Share Privately"):
 * the portal's public domain, the apps every user sees, and who may use the connector.
 * List entries are checked by {@link SettingsService} so each refusal names its index
 * ({@code managedApps[2]}).
 */
public record ConnectorSettings(
        @NotBlank @Size(max = 253)
        @Pattern(regexp = HOSTNAME, message = "must be a host name such as portal.example.com, optionally with :port")
        String domain,
        @NotNull @Size(max = 20, message = "at most 20 managed apps; more makes a crowded page for users")
        List<String> managedApps,
        @NotNull @Valid Publication publication) {

    static final String HOSTNAME = "^(?=.{1,253}(:|$))([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(:[0-9]{1,5})?$";
    public static final String APP_ID = "^[A-Za-z0-9_-]{1,64}$";
    static final String BUSINESS_ID = "^[A-Za-z0-9_-]{1,64}$";

    /** Publication on the marketplace: public to all, or private to the whitelisted businesses. */
    public record Publication(
            @NotNull @Pattern(regexp = "^(private|public)$", message = "must be \"private\" or \"public\"") String mode,
            @NotNull @Size(max = 500, message = "at most 500 business ids")
            List<String> whitelist) {
    }
}
