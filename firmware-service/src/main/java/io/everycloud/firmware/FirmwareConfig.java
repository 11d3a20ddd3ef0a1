package io.everycloud.firmware;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** firmware-service settings ({@code firmware.*}, environment {@code FIRMWARE_*}). */
@ConfigMapping(prefix = "firmware")
public interface FirmwareConfig {

    /** Value of the feature switch at first start (later changed with PUT /api/firmware/settings). */
    @WithDefault("disabled")
    String enableFirmwareUpdate();

    /** Largest package binary accepted, in bytes (the HTTP body limit of the upload route follows it). */
    @WithDefault("536870912")
    long maxUploadBytes();

    /** Largest metadata file ({@code package_*.json}) accepted, in bytes. */
    @WithDefault("65536")
    int maxMetadataBytes();

    /** How long a signed content URL handed to a device stays valid. */
    @WithDefault("P7D")
    Duration downloadUrlTtl();

    /** A running update with no report from the device for this long becomes TIMED_OUT. */
    @WithDefault("PT6H")
    Duration updateTimeout();

    /** How often running updates are checked for the timeout and rollouts re-evaluated. */
    @WithDefault("30s")
    String sweepInterval();

    /** Most devices one {@code POST /api/firmware/update} may name. */
    @WithDefault("1000")
    int maxBatchDevices();

    /** Most devices one rollout may target. */
    @WithDefault("100000")
    int maxRolloutDevices();
}
