package io.everycloud.notification;

import java.time.Duration;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import io.everycloud.notification.delivery.Delivery;
import io.quarkus.narayana.jta.QuarkusTransaction;

/** Waiting for what happens behind the broker, without timing assertions (generous limits: the build machine is shared). */
public final class Eventually {

    public static final Duration PATIENCE = Duration.ofSeconds(90);

    public static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
        throw new AssertionError("not within " + PATIENCE.toSeconds() + " s: " + what);
    }

    /** Waits until this service's inbox applied the event (whatever it did with it). */
    public static void applied(UUID eventId) {
        until("event " + eventId + " applied", () -> QuarkusTransaction.requiringNew().call(() -> ((Number) Delivery
                .getEntityManager().createNativeQuery("SELECT count(*) FROM inbox WHERE event_id = ?1")
                .setParameter(1, eventId).getSingleResult()).longValue() > 0));
    }

    private Eventually() {
    }
}
