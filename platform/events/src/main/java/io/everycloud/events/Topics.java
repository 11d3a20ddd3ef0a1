package io.everycloud.events;

/**
 * Kafka topic names. Each topic has exactly one writer (the service in its prefix); a
 * dead-letter topic is the topic name followed by {@link #DLQ_SUFFIX}.
 */
public final class Topics {

    /** Device lifecycle: provisioned, activated, tags-changed, reset, deleted. */
    public static final String REGISTRY_DEVICE = "registry.device.v1";
    /** Resource values written by a device or by the platform. */
    public static final String REGISTRY_RESOURCE = "registry.resource.v1";
    /** Device data transformed for one application. */
    public static final String REGISTRY_DATA = "registry.data.v1";
    /** Ownership ledger: claimed, released, reset, transferred, account requested, claim code set. */
    public static final String CLAIM_OWNERSHIP = "claim.ownership.v1";
    /** End-user accounts: registered, verified, blocked, data changed, password flows, deleted. */
    public static final String USER_ACCOUNT = "user.account.v1";
    /** Firmware packages published or withdrawn. */
    public static final String FIRMWARE_PACKAGE = "firmware.package.v1";
    /** Commands for devices (the {@code config_otau} resource to write). */
    public static final String FIRMWARE_COMMAND = "firmware.command.v1";
    /** Per-device OTA state changes. */
    public static final String FIRMWARE_UPDATE = "firmware.update.v1";
    /** Portal branding and application settings. */
    public static final String PORTAL_SETTINGS = "portal.settings.v1";

    public static final String DLQ_SUFFIX = ".dlq";

    /** Every topic, in the order they are created by the local suite and the chart. */
    public static final java.util.List<String> ALL = java.util.List.of(
            REGISTRY_DEVICE, REGISTRY_RESOURCE, REGISTRY_DATA, CLAIM_OWNERSHIP, USER_ACCOUNT,
            FIRMWARE_PACKAGE, FIRMWARE_COMMAND, FIRMWARE_UPDATE, PORTAL_SETTINGS);

    public static String deadLetter(String topic) {
        return topic + DLQ_SUFFIX;
    }

    private Topics() {
    }
}
