package io.everycloud.kit.inbox;

/**
 * Incoming channel names, one per topic, so that every service configures
 * {@code mp.messaging.incoming.<channel>.topic} the same way and tests reuse the constants.
 */
public final class Channels {

    public static final String REGISTRY_DEVICE = "registry-device";
    public static final String REGISTRY_RESOURCE = "registry-resource";
    public static final String REGISTRY_DATA = "registry-data";
    public static final String CLAIM_OWNERSHIP = "claim-ownership";
    public static final String USER_ACCOUNT = "user-account";
    public static final String FIRMWARE_PACKAGE = "firmware-package";
    public static final String FIRMWARE_COMMAND = "firmware-command";
    public static final String FIRMWARE_UPDATE = "firmware-update";
    public static final String PORTAL_SETTINGS = "portal-settings";

    private Channels() {
    }
}
