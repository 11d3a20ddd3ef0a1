package io.everycloud.registry.device;

import java.util.List;
import java.util.Map;

/** {@code POST /api/devices}: identity, optional claim code (defaults to the identity), optional expiry (Unix seconds) and tags. */
public record NewDevice(String identity, String claimCode, Long expires, Map<String, List<String>> tags) {
}
