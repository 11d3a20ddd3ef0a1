package io.everycloud.firmware.device;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** What firmware-service knows of a device, projected from the registry's events. */
public record Device(String identity, Map<String, List<String>> tags, String installedVersion) {

    public static final String USERS_TAG = "users";

    /** The owners: user ids in the {@code users} tag (the registry's tags are the truth). */
    public List<UUID> owners() {
        List<UUID> owners = new ArrayList<>();
        for (String value : tags.getOrDefault(USERS_TAG, List.of())) {
            try {
                owners.add(UUID.fromString(value));
            } catch (IllegalArgumentException e) {
                // not a user id; the registry only writes user ids here, so skip anything else
            }
        }
        return owners;
    }

    public boolean isOwnedBy(UUID userId) {
        return owners().contains(userId);
    }

    public UUID firstOwner() {
        List<UUID> owners = owners();
        return owners.isEmpty() ? null : owners.get(0);
    }
}
