package io.everycloud.firmware.rollout;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A staged rollout (a database row). */
public record Rollout(UUID id, long seq, UUID packageId, String version, Map<String, List<String>> tags, String mode,
        int batchSize, int successThreshold, int failureThreshold, int minimumFinished, String state, int currentBatch,
        int batchCount, String reason, String createdBy, Instant createdAt, Instant updatedAt) {

    public static final String PUSH = "PUSH";
    public static final String ASK_OWNERS = "ASK_OWNERS";

    public static final String RUNNING = "RUNNING";
    public static final String PAUSED = "PAUSED";
    public static final String ABORTED = "ABORTED";
    public static final String FINISHED = "FINISHED";

    /** Target statuses. */
    public static final String PENDING = "PENDING";
    public static final String OFFERED = "OFFERED";
    /** The owner declined the offer ({@code POST /api/firmware/devices/{identity}/decline}). */
    public static final String DECLINED = "DECLINED";
    public static final String STARTED = "RUNNING";
    public static final String SUCCEEDED = "SUCCEEDED";
    public static final String FAILED = "FAILED";
    public static final String CANCELED = "CANCELED";
    public static final String SKIPPED = "SKIPPED";
    public static final String WITHDRAWN = "WITHDRAWN";
    public static final String NOT_STARTED = "NOT_STARTED";
}
