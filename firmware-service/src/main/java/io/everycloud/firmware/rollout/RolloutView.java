package io.everycloud.firmware.rollout;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A rollout as the API shows it; {@code targets} counts the targeted devices by status. */
public record RolloutView(UUID id, String version, Map<String, List<String>> tags, String mode, int batchSize,
        int successThreshold, int failureThreshold, int minimumFinished, String state, int currentBatch, int batchCount,
        String reason, Map<String, Integer> targets, String createdBy, Instant createdAt, Instant updatedAt) {

    static RolloutView of(Rollout r, Map<String, Integer> targets) {
        return new RolloutView(r.id(), r.version(), r.tags(), r.mode(), r.batchSize(), r.successThreshold(),
                r.failureThreshold(), r.minimumFinished(), r.state(), r.currentBatch(), r.batchCount(), r.reason(),
                targets, r.createdBy(), r.createdAt(), r.updatedAt());
    }
}
