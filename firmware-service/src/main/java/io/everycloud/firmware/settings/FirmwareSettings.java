package io.everycloud.firmware.settings;

import com.fasterxml.jackson.annotation.JsonProperty;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/** The firmware feature switch, named as in the seed's ENV VARIABLES. */
public record FirmwareSettings(
        @JsonProperty("EnableFirmwareUpdate")
        @NotNull(message = "is required: enabled or disabled")
        @Pattern(regexp = "enabled|disabled", message = "must be enabled or disabled")
        String enableFirmwareUpdate) {

    public static final String ENABLED = "enabled";
    public static final String DISABLED = "disabled";
}
