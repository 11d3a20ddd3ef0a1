package io.everycloud.claim.device;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jboss.logging.Logger;

import io.everycloud.claim.code.ClaimCode;

/**
 * Reads the tags the registry owns ({@code claim_code}, {@code expires}, {@code users},
 * {@code apps}); a bad value is logged and skipped, never fails the event.
 */
public record DeviceTags(List<String> claimCodes, Instant expiresAt, List<UUID> users, List<String> apps) {

    private static final Logger LOG = Logger.getLogger(DeviceTags.class);

    public static DeviceTags of(String identity, Map<String, List<String>> tags) {
        LinkedHashSet<String> codes = new LinkedHashSet<>();
        for (String code : tags.getOrDefault("claim_code", List.of())) {
            String problem = ClaimCode.problem(code);
            if (problem == null) {
                codes.add(ClaimCode.normalize(code));
            } else {
                LOG.warnf("device %s: claim code ignored, it %s", identity, problem);
            }
        }
        if (codes.isEmpty()) {
            codes.add(identity); // the seed's default: the device identity is its claim code
        }
        Instant expires = null;
        List<String> expiresTag = tags.getOrDefault("expires", List.of());
        if (!expiresTag.isEmpty() && expiresTag.get(0) != null && !expiresTag.get(0).isBlank()) {
            try {
                expires = Instant.ofEpochSecond(Long.parseLong(expiresTag.get(0).trim()));
            } catch (NumberFormatException | java.time.DateTimeException e) {
                LOG.warnf("device %s: expires tag %s is not Unix seconds; treated as no expiry", identity, expiresTag.get(0));
            }
        }
        LinkedHashSet<UUID> users = new LinkedHashSet<>();
        for (String user : tags.getOrDefault("users", List.of())) {
            try {
                users.add(UUID.fromString(user.trim()));
            } catch (IllegalArgumentException | NullPointerException e) {
                LOG.warnf("device %s: users tag value %s is not a user id; ignored", identity, user);
            }
        }
        LinkedHashSet<String> apps = new LinkedHashSet<>();
        for (String app : tags.getOrDefault("apps", List.of())) {
            if (app != null && !app.isBlank()) {
                apps.add(app.trim());
            }
        }
        return new DeviceTags(new ArrayList<>(codes), expires, new ArrayList<>(users), new ArrayList<>(apps));
    }
}
