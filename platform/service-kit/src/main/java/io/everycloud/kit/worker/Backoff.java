package io.everycloud.kit.worker;

import java.time.Duration;

/**
 * Exponential backoff: {@code initial} after the first failure, doubled after each further one, at
 * most {@code max}.
 */
public record Backoff(Duration initial, Duration max) {

    public Backoff {
        if (initial.isNegative() || initial.isZero() || max.isNegative() || max.isZero()) {
            throw new IllegalArgumentException("backoff needs positive durations, got " + initial + " and " + max);
        }
    }

    /** The wait after {@code failures} consecutive failures (1 for the first). */
    public Duration after(int failures) {
        return after(failures, initial, max);
    }

    /** The wait after {@code failures} consecutive failures, starting at {@code initial}, at most {@code max}. */
    public static Duration after(int failures, Duration initial, Duration max) {
        int doublings = Math.min(Math.max(failures - 1, 0), 20);
        long millis = initial.toMillis() << doublings;
        return Duration.ofMillis(Math.min(Math.max(millis, 1), max.toMillis()));
    }
}
