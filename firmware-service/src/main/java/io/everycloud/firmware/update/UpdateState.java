package io.everycloud.firmware.update;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The states of one device update: REQUESTED (command sent), the Exosite {@code otau_in}
 * statuses in the order a device goes through them, and the endings decided here (TIMED_OUT,
 * CANCELED). Reports only move an update forward, so duplicates and late, out-of-order reports
 * change nothing.
 */
public enum UpdateState {
    REQUESTED(0, false, false),
    INIT(1, false, false),
    TEST(2, false, false),
    TEST_STEP(3, false, false),
    TEST_SUCCESS(4, false, false),
    DOWNLOAD(5, false, false),
    DOWNLOAD_STEP(6, false, false),
    DOWNLOAD_SUCCESS(7, false, false),
    INSTALL(8, false, false),
    INSTALL_STEP(9, false, false),
    INSTALL_SUCCESS(10, true, true),
    INSTALLED_VERSION(11, true, true),
    TEST_ERROR(100, true, false),
    DOWNLOAD_ERROR(100, true, false),
    INSTALL_ERROR(100, true, false),
    INSTALL_ABORTED(100, true, false),
    TIMED_OUT(100, true, false),
    CANCELED(100, true, false);

    /** The statuses a device may report in {@code otau_in}. */
    public static final Set<UpdateState> REPORTABLE = Arrays.stream(values())
            .filter(s -> s != REQUESTED && s != TIMED_OUT && s != CANCELED).collect(Collectors.toUnmodifiableSet());

    private final int rank;
    private final boolean finished;
    private final boolean success;

    UpdateState(int rank, boolean finished, boolean success) {
        this.rank = rank;
        this.finished = finished;
        this.success = success;
    }

    public boolean finished() {
        return finished;
    }

    public boolean success() {
        return success;
    }

    public boolean isStep() {
        return name().endsWith("_STEP");
    }

    /** Whether a report of {@code next} moves an update that is in this state. */
    public boolean movesTo(UpdateState next) {
        return !finished && (next.finished || next.rank > rank);
    }

    public static Optional<UpdateState> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(text.trim().toUpperCase(java.util.Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
