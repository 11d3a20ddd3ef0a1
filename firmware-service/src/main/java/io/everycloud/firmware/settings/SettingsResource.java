package io.everycloud.firmware.settings;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;

import io.everycloud.kit.security.Roles;

/** {@code GET|PUT /api/firmware/settings}: the EnableFirmwareUpdate switch (oem). */
@Path("/api/firmware/settings")
@RolesAllowed(Roles.OEM)
public class SettingsResource {

    @Inject
    SettingsService settings;

    @GET
    public FirmwareSettings get() {
        return settings.get();
    }

    @PUT
    public FirmwareSettings put(@Valid @NotNull(message = "a JSON body is required") FirmwareSettings body) {
        return settings.put(body);
    }
}
