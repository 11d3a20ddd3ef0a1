package io.everycloud.notification.template;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The kinds of email the service sends, each with the variables its trigger supplies (and the
 * sample values previews and template checks render with).
 */
public enum EmailType {

    SIGNUP("signup", true, Map.of(
            "verificationUrl", "https://portal.example.com/verify?token=sample-token",
            "expiresAt", "2026-11-26 10:15 UTC")),
    DEVICE_CLAIM_WELCOME("device-claim-welcome", true, Map.of(
            "identity", "sample-device-001",
            "newAccount", Boolean.TRUE,
            "setupUrl", "https://portal.example.com/password-reset?token=sample-token",
            "expiresAt", "2026-11-26 10:15 UTC")),
    PASSWORD_RESET("password-reset", true, Map.of(
            "resetUrl", "https://portal.example.com/password-reset?token=sample-token",
            "expiresAt", "2026-11-26 10:15 UTC")),
    FIRMWARE_AVAILABLE("firmware-available", true, Map.of(
            "version", "1.0.1",
            "packageName", "new-version-otau",
            "description", "Bug fixes and improvements",
            "devices", List.of("sample-device-001", "sample-device-002"),
            "deviceCount", 2)),
    // An "ask owners" rollout offers a version for one device; the owner takes or declines it in the portal.
    FIRMWARE_OFFER("firmware-offer", true, Map.of(
            "identity", "sample-device-001",
            "version", "1.0.1",
            "packageName", "new-version-otau",
            "description", "Bug fixes and improvements")),
    // Opt-in: an oem enables it when owners should hear about every finished update.
    FIRMWARE_UPDATE_RESULT("firmware-update-result", false, Map.of(
            "identity", "sample-device-001",
            "version", "1.0.1",
            "state", "INSTALL_SUCCESS",
            "message", "",
            "succeeded", Boolean.TRUE));

    private final String id;
    private final boolean enabledByDefault;
    private final Map<String, Object> samples;

    EmailType(String id, boolean enabledByDefault, Map<String, Object> own) {
        this.id = id;
        this.enabledByDefault = enabledByDefault;
        // Every type has the recipient: who the email is for.
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("email", "jane@example.com");
        all.put("name", "Jane Doe");
        own.keySet().stream().sorted().forEach(key -> all.put(key, own.get(key)));
        this.samples = java.util.Collections.unmodifiableMap(all);
    }

    public String id() {
        return id;
    }

    public boolean enabledByDefault() {
        return enabledByDefault;
    }

    /** The trigger's variables with sample values (recipient first). */
    public Map<String, Object> samples() {
        return samples;
    }

    public static Optional<EmailType> byId(String id) {
        return Arrays.stream(values()).filter(t -> t.id.equals(id)).findFirst();
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(EmailType::id).toList();
    }
}
