package io.everycloud.portal.apps;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** An application's metadata as the portal shows it (seed: "Set App as Managed": name, description, URL, logo). */
public record ManagedApp(
        @NotBlank @Size(max = 100) String name,
        @Size(max = 1000) String description,
        @NotBlank @Size(max = 2048) @Pattern(regexp = HTTP_URL, message = "must be an http:// or https:// URL") String url,
        @Size(max = 2048) @Pattern(regexp = "^$|" + HTTP_URL, message = "must be an http:// or https:// URL") String logoUrl) {

    static final String HTTP_URL = "^https?://[^\\s/?#]+[^\\s]*$";
}
