package io.everycloud.firmware.settings;

import java.security.SecureRandom;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import io.everycloud.firmware.FirmwareConfig;
import io.everycloud.firmware.db.Jdbc;
import io.everycloud.kit.problem.ProblemException;

/**
 * The feature switch and the content-URL signing key, kept in the database so every replica
 * agrees. The environment variable {@code EnableFirmwareUpdate} gives only the first value.
 */
@ApplicationScoped
public class SettingsService {

    static final String HOW_TO_ENABLE = "firmware updates are disabled for this connector; an operator enables them "
            + "with PUT /api/firmware/settings {\"EnableFirmwareUpdate\": \"enabled\"} "
            + "(or starts the service the first time with the environment variable EnableFirmwareUpdate=enabled)";

    @Inject
    Jdbc jdbc;

    @Inject
    FirmwareConfig config;

    private volatile byte[] signingKey;

    @Transactional
    public FirmwareSettings get() {
        ensureRow();
        return new FirmwareSettings(jdbc.one("SELECT enable_firmware_update FROM firmware_settings WHERE id = 1",
                rs -> rs.getString(1)).orElseThrow());
    }

    @Transactional
    public FirmwareSettings put(FirmwareSettings settings) {
        ensureRow();
        jdbc.update("UPDATE firmware_settings SET enable_firmware_update = ?, updated_at = now() WHERE id = 1",
                settings.enableFirmwareUpdate());
        return get();
    }

    /** Refuses (409, saying how to enable it) while firmware updates are disabled. */
    public void requireEnabled() {
        if (!FirmwareSettings.ENABLED.equals(get().enableFirmwareUpdate())) {
            throw ProblemException.conflict(HOW_TO_ENABLE);
        }
    }

    /** The HMAC key for signed content URLs: random, made once per installation. */
    public byte[] signingKey() {
        byte[] key = signingKey;
        if (key == null) {
            key = readKey();
            signingKey = key;
        }
        return key;
    }

    @Transactional
    byte[] readKey() {
        ensureRow();
        return jdbc.one("SELECT signing_key FROM firmware_settings WHERE id = 1", rs -> rs.getBytes(1)).orElseThrow();
    }

    private void ensureRow() {
        String initial = config.enableFirmwareUpdate().trim().toLowerCase(java.util.Locale.ROOT);
        if (!FirmwareSettings.ENABLED.equals(initial)) {
            initial = FirmwareSettings.DISABLED;
        }
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        jdbc.update("INSERT INTO firmware_settings (id, enable_firmware_update, signing_key) VALUES (1, ?, ?) "
                + "ON CONFLICT (id) DO NOTHING", initial, key);
    }
}
