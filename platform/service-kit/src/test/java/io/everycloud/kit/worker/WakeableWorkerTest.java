package io.everycloud.kit.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The worker's lifecycle: rounds on wake-up, back-to-back rounds, backoff and recovery, prompt and bounded stop. */
class WakeableWorkerTest {

    /** Long enough that a round seen within a test came from a wake-up or a previous round, not from the poll. */
    private static final Duration NO_POLL = Duration.ofHours(1);
    private static final Backoff SHORT = new Backoff(Duration.ofMillis(10), Duration.ofMillis(40));

    private WakeableWorker worker;

    @AfterEach
    void stop() {
        if (worker != null) {
            worker.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void aWakeUpRunsARound() throws Exception {
        CountDownLatch rounds = new CountDownLatch(2);
        worker = new WakeableWorker("test-worker", NO_POLL, SHORT, () -> {
            rounds.countDown();
            return false;
        }, null);
        worker.start();
        worker.wake();
        waitFor(() -> rounds.getCount() == 1);
        worker.wake();
        assertTrue(rounds.await(30, TimeUnit.SECONDS), "the second wake-up ran a second round");
    }

    @Test
    void theSafetyPollRunsRoundsWithoutWakeUps() throws Exception {
        CountDownLatch rounds = new CountDownLatch(3);
        worker = new WakeableWorker("test-worker", Duration.ofMillis(10), SHORT, () -> {
            rounds.countDown();
            return false;
        }, null);
        worker.start();
        assertTrue(rounds.await(30, TimeUnit.SECONDS), "three rounds ran with no wake-up");
    }

    @Test
    void aRoundWithMoreWorkIsFollowedAtOnce() throws Exception {
        AtomicInteger left = new AtomicInteger(5);
        CountDownLatch done = new CountDownLatch(1);
        worker = new WakeableWorker("test-worker", NO_POLL, SHORT, () -> {
            int remaining = left.decrementAndGet();
            if (remaining == 0) {
                done.countDown();
            }
            return remaining > 0;
        }, null);
        worker.start();
        worker.wake();
        assertTrue(done.await(30, TimeUnit.SECONDS), "one wake-up worked through all five batches");
        assertEquals(0, left.get());
    }

    @Test
    void failedRoundsBackOffAndTheFirstSuccessEndsTheRun() throws Exception {
        List<String> told = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch recovered = new CountDownLatch(1);
        worker = new WakeableWorker("test-worker", Duration.ofMillis(5), SHORT, () -> {
            if (calls.incrementAndGet() <= 4) {
                throw new IllegalStateException("down " + calls.get());
            }
            return false;
        }, new WakeableWorker.Listener() {
            @Override
            public void failed(Exception error, int consecutive, Duration backoff) {
                told.add(error.getMessage() + " #" + consecutive + " wait " + backoff.toMillis());
            }

            @Override
            public void recovered(int failures) {
                told.add("recovered after " + failures);
                recovered.countDown();
            }
        });
        worker.start();
        assertTrue(recovered.await(30, TimeUnit.SECONDS));
        assertEquals(List.of("down 1 #1 wait 10", "down 2 #2 wait 20", "down 3 #3 wait 40", "down 4 #4 wait 40",
                "recovered after 4"), told);
    }

    @Test
    void stopCutsABackoffShort() throws Exception {
        CountDownLatch failed = new CountDownLatch(1);
        worker = new WakeableWorker("test-worker", NO_POLL, new Backoff(Duration.ofHours(1), Duration.ofHours(1)), () -> {
            throw new IllegalStateException("down");
        }, new WakeableWorker.Listener() {
            @Override
            public void failed(Exception error, int consecutive, Duration backoff) {
                failed.countDown();
            }
        });
        worker.start();
        worker.wake();
        assertTrue(failed.await(30, TimeUnit.SECONDS));
        assertTrue(worker.stop(Duration.ofSeconds(30)), "the thread ended instead of waiting out an hour of backoff");
        assertFalse(worker.isRunning());
    }

    @Test
    void stopInterruptsARoundThatDoesNotFinish() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        worker = new WakeableWorker("test-worker", NO_POLL, SHORT, () -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
            }
            return false;
        }, null);
        worker.start();
        worker.wake();
        assertTrue(started.await(30, TimeUnit.SECONDS));
        assertTrue(worker.stop(Duration.ofMillis(50)), "the blocked round was interrupted and the thread ended");
        assertTrue(interrupted.get());
    }

    @Test
    void stopLetsARoundInProgressFinishWithinTheGrace() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        worker = new WakeableWorker("test-worker", NO_POLL, SHORT, () -> {
            started.countDown();
            release.await();
            finished.set(true);
            return true; // "more work": must not start another round once stopping
        }, null);
        worker.start();
        worker.wake();
        assertTrue(started.await(30, TimeUnit.SECONDS));
        Thread releaser = new Thread(() -> {
            waitFor(() -> !worker.isRunning());
            release.countDown();
        });
        releaser.start();
        assertTrue(worker.stop(Duration.ofSeconds(30)));
        assertTrue(finished.get(), "the round finished its work instead of being interrupted");
    }

    @Test
    void wakeUpsWithinTheLingerShareOneRound() throws Exception {
        AtomicInteger rounds = new AtomicInteger();
        CountDownLatch first = new CountDownLatch(1);
        // a linger far longer than the wake-ups take: all ten fall inside it, however slow the machine
        worker = new WakeableWorker("test-worker", NO_POLL, Duration.ofSeconds(2), SHORT, () -> {
            rounds.incrementAndGet();
            first.countDown();
            return false;
        }, null);
        worker.start();
        long woken = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            worker.wake();
        }
        assertTrue(first.await(30, TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - woken >= Duration.ofSeconds(2).toNanos(), "the round waited out the linger");
        Thread.sleep(200);
        assertEquals(1, rounds.get(), "ten wake-ups within the linger ran one round");
        worker.wake();
        waitFor(() -> rounds.get() == 2);
    }

    @Test
    void aStopCutsALingeringWaitShort() throws Exception {
        AtomicInteger rounds = new AtomicInteger();
        worker = new WakeableWorker("test-worker", NO_POLL, Duration.ofHours(1), SHORT, () -> {
            rounds.incrementAndGet();
            return false;
        }, null);
        worker.start();
        worker.wake();
        Thread.sleep(100);
        long stopping = System.nanoTime();
        assertTrue(worker.stop(Duration.ofSeconds(5)));
        assertTrue(System.nanoTime() - stopping < Duration.ofSeconds(5).toNanos(), "the stop did not wait out the hour");
        assertEquals(0, rounds.get(), "no round started once stopping");
        assertThrows(IllegalArgumentException.class,
                () -> new WakeableWorker("test-worker-2", NO_POLL, Duration.ofMillis(-1), SHORT, () -> false, null));
    }

    @Test
    void aWorkerStartsOnceAndAStopBeforeStartIsHarmless() {
        worker = new WakeableWorker("test-worker", NO_POLL, SHORT, () -> false, null);
        assertTrue(worker.stop(Duration.ofMillis(10)));
        WakeableWorker other = new WakeableWorker("test-worker-2", NO_POLL, SHORT, () -> false, null);
        other.start();
        assertThrows(IllegalStateException.class, other::start);
        assertTrue(other.stop(Duration.ofSeconds(5)));
    }

    @Test
    void backoffDoublesUpToItsMaximum() {
        Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5));
        assertEquals(List.of(200L, 400L, 800L, 1600L, 3200L, 5000L, 5000L),
                List.of(1, 2, 3, 4, 5, 6, 60).stream().map(n -> backoff.after(n).toMillis()).toList());
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)));
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 30 s");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
