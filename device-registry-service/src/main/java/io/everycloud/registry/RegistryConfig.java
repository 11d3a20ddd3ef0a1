package io.everycloud.registry;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of device-registry-service ({@code registry.*}, environment {@code REGISTRY_*}). */
@ConfigMapping(prefix = "registry")
public interface RegistryConfig {

    DeviceApi deviceApi();

    Writes writes();

    Transform transform();

    Import importing();

    Tags tags();

    /** Aliases a device's owner (role user) may write with {@code PUT /api/devices/{identity}/resources/{alias}}; oem may write any. */
    Optional<List<String>> ownerWritableAliases();

    /** The Exosite-compatible device API. */
    interface DeviceApi {
        /** Largest value of one alias, in bytes (Exosite's limit). */
        @WithDefault("1048576")
        int maxValueBytes();

        /** Longest long poll a device may ask for with {@code Request-Timeout}, in milliseconds. */
        @WithDefault("300000")
        long maxRequestTimeoutMs();

        /** Most long polls held at once by this replica; more answer 503. */
        @WithDefault("20000")
        int maxHeldPolls();

        /** How far in the future a recorded point's timestamp may be. */
        @WithDefault("PT5M")
        Duration maxRecordSkew();

        /** How often device traffic refreshes a device's last-seen time (fewer device-row writes). */
        @WithDefault("PT1M")
        Duration lastSeenResolution();

        /**
         * Longest time a checked device token is remembered without asking the database. Resets,
         * deletes and apps changes drop it at once on every replica (NOTIFY); this bounds the
         * rest (a replica that missed the notification).
         */
        @WithDefault("PT10S")
        Duration tokenCacheTtl();

        /** Most device tokens remembered by this replica; beyond it, tokens are checked in the database. */
        @WithDefault("200000")
        int tokenCacheSize();
    }

    /** Durable device writes: concurrent writes share one transaction (one commit). */
    interface Writes {
        /** Most device writes committed together. */
        @WithDefault("1000")
        int maxBatch();

        /**
         * Writer threads, each committing the writes of its share of the devices (by identity).
         * The writes of one device always go through the same writer, in order. One by default:
         * the next group gathers while a commit waits for its WAL flush, and larger groups cost
         * less CPU per write than overlapping two writers' commits (docs/benchmarks.md).
         */
        @WithDefault("1")
        int writers();

        /** Writes waiting for a commit; beyond it the device API answers 503. */
        @WithDefault("50000")
        int queueCapacity();
    }

    /** The product transform (JSONata) applied to {@code data_in} before it is routed to apps. */
    interface Transform {
        /** Longest evaluation of the transform for one message, in milliseconds. */
        @WithDefault("100")
        int timeoutMs();

        /** Deepest recursion the transform may reach. */
        @WithDefault("200")
        int maxDepth();

        /** Longest expression accepted by {@code PUT /api/product}, in characters. */
        @WithDefault("65536")
        int maxLength();
    }

    /** CSV import of devices. */
    interface Import {
        /** Most lines (devices) in one import. */
        @WithDefault("10000")
        int maxLines();
    }

    /** Device tag limits. */
    interface Tags {
        /** Most values of one tag. */
        @WithDefault("100")
        int maxValues();

        /** Longest tag value, in characters. */
        @WithDefault("256")
        int maxValueLength();

        /**
         * A search for several tags first reads up to this many devices of each tag (from the
         * cursor on); when one tag has fewer, only those devices are checked for the other tags, with
         * statements whose cached plans fit every value. Otherwise the search is planned for its
         * values (docs/benchmarks.md, "Tag search").
         */
        @WithDefault("32")
        int selectiveTagSize();
    }
}
