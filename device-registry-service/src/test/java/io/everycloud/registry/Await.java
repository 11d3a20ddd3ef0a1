package io.everycloud.registry;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for something another thread (a Kafka consumer, the relay) makes true; fails after a generous limit. */
public final class Await {

    public static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private Await() {
    }
}
