package io.everycloud.firmware.rollout;

import java.util.List;
import java.util.Map;

/**
 * A staged rollout: the package {@code version}; the devices whose tags hold every value in
 * {@code tags} (all devices when empty); batches of {@code batchSize} devices or
 * {@code batchPercent} % of them; the next batch starts once {@code successThreshold} % of the
 * current batch's started updates succeeded; the rollout aborts once at least
 * {@code minimumFinished} updates finished and more than {@code failureThreshold} % of them
 * failed. {@code mode} PUSH sends updates; ASK_OWNERS offers them to owners instead (devices
 * without an owner get the push).
 */
public record RolloutRequest(String version, Map<String, List<String>> tags, Integer batchSize, Integer batchPercent,
        Integer successThreshold, Integer failureThreshold, Integer minimumFinished, String mode) {
}
