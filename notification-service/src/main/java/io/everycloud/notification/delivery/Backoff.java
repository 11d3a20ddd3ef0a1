package io.everycloud.notification.delivery;

import java.time.Duration;

/** Exponential backoff: {@code initial}, doubled after each failure, at most {@code max}. */
public final class Backoff {

    public static Duration after(int failures, Duration initial, Duration max) {
        long millis = initial.toMillis() << Math.min(Math.max(failures - 1, 0), 20);
        return Duration.ofMillis(Math.min(Math.max(millis, 1), max.toMillis()));
    }

    private Backoff() {
    }
}
