package io.everycloud.registry.device;

import java.util.Locale;

import io.everycloud.kit.problem.ProblemException;

/** Where a device is in its life: provisioned (may activate) or activated (holds a token). */
public enum DeviceStatus {
    PROVISIONED, ACTIVATED;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DeviceStatus of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    /** Parses the {@code status} query parameter. */
    public static DeviceStatus parse(String field, String value) {
        for (DeviceStatus status : values()) {
            if (status.value().equals(value)) {
                return status;
            }
        }
        throw ProblemException.badRequest(field, "must be provisioned or activated");
    }
}
