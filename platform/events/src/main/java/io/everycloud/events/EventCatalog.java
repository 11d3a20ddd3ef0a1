package io.everycloud.events;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every event type: its versioned type name, its record and its topic. The one place where a
 * sender and its receivers agree on what a type means.
 */
public final class EventCatalog {

    /** One event type. */
    public record Entry(String type, Class<? extends Record> recordClass, String topic) {
    }

    private static final Map<String, Entry> BY_TYPE = new LinkedHashMap<>();
    private static final Map<Class<?>, Entry> BY_CLASS = new LinkedHashMap<>();

    static {
        add(RegistryEvents.DeviceProvisioned.TYPE, RegistryEvents.DeviceProvisioned.class, Topics.REGISTRY_DEVICE);
        add(RegistryEvents.DeviceActivated.TYPE, RegistryEvents.DeviceActivated.class, Topics.REGISTRY_DEVICE);
        add(RegistryEvents.DeviceTagsChanged.TYPE, RegistryEvents.DeviceTagsChanged.class, Topics.REGISTRY_DEVICE);
        add(RegistryEvents.DeviceReset.TYPE, RegistryEvents.DeviceReset.class, Topics.REGISTRY_DEVICE);
        add(RegistryEvents.DeviceDeleted.TYPE, RegistryEvents.DeviceDeleted.class, Topics.REGISTRY_DEVICE);
        add(RegistryEvents.ResourceWritten.TYPE, RegistryEvents.ResourceWritten.class, Topics.REGISTRY_RESOURCE);
        add(RegistryEvents.DataRouted.TYPE, RegistryEvents.DataRouted.class, Topics.REGISTRY_DATA);

        add(ClaimEvents.OwnershipClaimed.TYPE, ClaimEvents.OwnershipClaimed.class, Topics.CLAIM_OWNERSHIP);
        add(ClaimEvents.OwnershipTransferred.TYPE, ClaimEvents.OwnershipTransferred.class, Topics.CLAIM_OWNERSHIP);
        add(ClaimEvents.OwnershipReleased.TYPE, ClaimEvents.OwnershipReleased.class, Topics.CLAIM_OWNERSHIP);
        add(ClaimEvents.OwnershipReset.TYPE, ClaimEvents.OwnershipReset.class, Topics.CLAIM_OWNERSHIP);
        add(ClaimEvents.AccountRequested.TYPE, ClaimEvents.AccountRequested.class, Topics.CLAIM_OWNERSHIP);
        add(ClaimEvents.ClaimCodeSet.TYPE, ClaimEvents.ClaimCodeSet.class, Topics.CLAIM_OWNERSHIP);

        add(UserEvents.AccountRegistered.TYPE, UserEvents.AccountRegistered.class, Topics.USER_ACCOUNT);
        add(UserEvents.DeviceAccountReady.TYPE, UserEvents.DeviceAccountReady.class, Topics.USER_ACCOUNT);
        add(UserEvents.AccountVerified.TYPE, UserEvents.AccountVerified.class, Topics.USER_ACCOUNT);
        add(UserEvents.AccountBlocked.TYPE, UserEvents.AccountBlocked.class, Topics.USER_ACCOUNT);
        add(UserEvents.AccountUnblocked.TYPE, UserEvents.AccountUnblocked.class, Topics.USER_ACCOUNT);
        add(UserEvents.AccountUpdated.TYPE, UserEvents.AccountUpdated.class, Topics.USER_ACCOUNT);
        add(UserEvents.UserDataChanged.TYPE, UserEvents.UserDataChanged.class, Topics.USER_ACCOUNT);
        add(UserEvents.PasswordResetRequested.TYPE, UserEvents.PasswordResetRequested.class, Topics.USER_ACCOUNT);
        add(UserEvents.AccountDeleted.TYPE, UserEvents.AccountDeleted.class, Topics.USER_ACCOUNT);

        add(FirmwareEvents.PackagePublished.TYPE, FirmwareEvents.PackagePublished.class, Topics.FIRMWARE_PACKAGE);
        add(FirmwareEvents.PackageDeleted.TYPE, FirmwareEvents.PackageDeleted.class, Topics.FIRMWARE_PACKAGE);
        add(FirmwareEvents.ConfigOtauCommand.TYPE, FirmwareEvents.ConfigOtauCommand.class, Topics.FIRMWARE_COMMAND);
        add(FirmwareEvents.UpdateStateChanged.TYPE, FirmwareEvents.UpdateStateChanged.class, Topics.FIRMWARE_UPDATE);
        add(FirmwareEvents.UpdateOffered.TYPE, FirmwareEvents.UpdateOffered.class, Topics.FIRMWARE_UPDATE);

        add(PortalEvents.BrandingChanged.TYPE, PortalEvents.BrandingChanged.class, Topics.PORTAL_SETTINGS);
        add(PortalEvents.SettingsChanged.TYPE, PortalEvents.SettingsChanged.class, Topics.PORTAL_SETTINGS);
        add(PortalEvents.AppChanged.TYPE, PortalEvents.AppChanged.class, Topics.PORTAL_SETTINGS);
    }

    private static void add(String type, Class<? extends Record> recordClass, String topic) {
        Entry entry = new Entry(type, recordClass, topic);
        if (BY_TYPE.put(type, entry) != null || BY_CLASS.put(recordClass, entry) != null) {
            throw new IllegalStateException("event type registered twice: " + type);
        }
    }

    public static List<Entry> entries() {
        return List.copyOf(BY_TYPE.values());
    }

    public static String typeOf(Class<?> recordClass) {
        Entry entry = BY_CLASS.get(recordClass);
        if (entry == null) {
            throw new IllegalArgumentException(recordClass.getName() + " is not a registered event");
        }
        return entry.type();
    }

    public static String topicOf(String type) {
        return entry(type).topic();
    }

    public static Class<? extends Record> classOf(String type) {
        return entry(type).recordClass();
    }

    public static boolean isKnown(String type) {
        return BY_TYPE.containsKey(type);
    }

    private static Entry entry(String type) {
        Entry entry = BY_TYPE.get(type);
        if (entry == null) {
            throw new MalformedEventException("unknown event type " + type);
        }
        return entry;
    }

    private EventCatalog() {
    }
}
