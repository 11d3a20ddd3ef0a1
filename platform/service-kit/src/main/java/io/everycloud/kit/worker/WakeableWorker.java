package io.everycloud.kit.worker;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

/**
 * One background thread that works in rounds: a round runs when the worker is {@linkplain #wake()
 * woken} (say, after a commit that left work for it) and at the latest every poll interval (a safety
 * poll for work that came without a wake-up, such as a retry falling due). A round that says more
 * work is waiting is followed by the next at once. A round that throws counts a failure: the worker
 * waits out the {@link Backoff} for the number of consecutive failures, then goes back to waiting
 * for a wake-up or the poll; the first round that succeeds again ends the run of failures.
 *
 * <p>{@link #stop(Duration)} ends it promptly and boundedly: it cuts short any wait or backoff, lets
 * a round in progress finish within the grace period, then interrupts the thread and joins it. Call
 * it when the application shuts down (Quarkus {@code @Observes ShutdownEvent}, fired before the
 * datasources and the Kafka clients are closed), so no round runs against a closed datasource.
 *
 * <p>A worker may <em>linger</em>: after the wake-up that ends a wait it waits that much longer
 * before the round, so that the wake-ups of that time share one round (the outbox relay: the
 * commits of a few milliseconds are sent in one batch, one transaction and one Kafka request
 * instead of one each). Back-to-back rounds ({@link Round#run} said more is waiting) and safety
 * polls do not linger; {@link #stop} cuts a lingering wait short.
 *
 * <p>Used by the outbox relay of every service and by notification-service's email and webhook
 * senders.
 */
public final class WakeableWorker {

    private static final Logger LOG = Logger.getLogger(WakeableWorker.class);

    /** One round of work. */
    @FunctionalInterface
    public interface Round {
        /**
         * Does one round of work; returns {@code true} when more work is known to be waiting (the
         * next round then runs at once). Throws when the round failed (the worker backs off).
         */
        boolean run() throws Exception;
    }

    /** Told about failed rounds and the recovery after them (logging, metrics, health). */
    public interface Listener {
        /** A round failed; {@code consecutive} counts the failures in a row (1 for the first). */
        default void failed(Exception error, int consecutive, Duration backoff) {
        }

        /** A round succeeded after {@code failures} failed ones. */
        default void recovered(int failures) {
        }
    }

    private final String name;
    private final Duration pollInterval;
    private final Duration linger;
    private final Backoff backoff;
    private final Round round;
    private final Listener listener;
    private final Semaphore wakeups = new Semaphore(0);
    private final CountDownLatch stopping = new CountDownLatch(1);
    private volatile boolean running;
    private Thread thread;

    /** A worker that does not linger: each wake-up runs a round at once (see the six-argument constructor). */
    public WakeableWorker(String name, Duration pollInterval, Backoff backoff, Round round, Listener listener) {
        this(name, pollInterval, Duration.ZERO, backoff, round, listener);
    }

    /**
     * @param name         the thread's name (shows in thread dumps and logs)
     * @param pollInterval longest wait between two rounds without a wake-up
     * @param linger       how long a wake-up waits for more wake-ups before the round (zero: none)
     * @param backoff      waits after failed rounds
     * @param round        the work
     * @param listener     told about failures and recovery
     */
    public WakeableWorker(String name, Duration pollInterval, Duration linger, Backoff backoff, Round round, Listener listener) {
        if (linger.isNegative()) {
            throw new IllegalArgumentException("linger must not be negative: " + linger);
        }
        this.name = Objects.requireNonNull(name);
        this.pollInterval = Objects.requireNonNull(pollInterval);
        this.linger = linger;
        this.backoff = Objects.requireNonNull(backoff);
        this.round = Objects.requireNonNull(round);
        this.listener = listener == null ? new Listener() {
        } : listener;
    }

    /** Starts the thread (once); the first round runs when woken or after the poll interval. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException(name + " already started");
        }
        running = true;
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Asks for a round now (one more round if one is in progress). Cheap; callable from any thread. */
    public void wake() {
        wakeups.release();
    }

    /** Whether the worker has been started and not asked to stop: a long round checks it between items. */
    public boolean isRunning() {
        return running;
    }

    /**
     * Stops the worker: no new round starts, waits and backoffs end at once, a round in progress
     * has {@code grace} to finish before the thread is interrupted; then the thread is joined for at
     * most {@code grace} more. Returns whether the thread has ended. Idempotent.
     */
    public boolean stop(Duration grace) {
        Thread current;
        synchronized (this) {
            running = false;
            current = thread;
        }
        stopping.countDown();
        wakeups.release();
        if (current == null || current == Thread.currentThread()) {
            return true;
        }
        try {
            current.join(Math.max(1, grace.toMillis()));
            if (current.isAlive()) {
                LOG.infof("%s: round still running after %d ms; interrupting it", name, grace.toMillis());
                current.interrupt();
                current.join(Math.max(1, grace.toMillis()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (current.isAlive()) {
            LOG.warnf("%s: thread did not end within %d ms of being interrupted", name, grace.toMillis());
            return false;
        }
        return true;
    }

    private void loop() {
        int failures = 0;
        boolean again = false;
        while (running) {
            try {
                if (!again) {
                    boolean woken = wakeups.tryAcquire(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
                    if (woken && !linger.isZero() && running) {
                        // the wake-ups of the next linger share this round; stop() counts down at once
                        stopping.await(linger.toNanos(), TimeUnit.NANOSECONDS);
                    }
                    wakeups.drainPermits();
                    if (!running) {
                        break;
                    }
                }
                again = round.run() && running;
                if (failures > 0) {
                    listener.recovered(failures);
                }
                failures = 0;
            } catch (InterruptedException e) {
                if (!running) {
                    break;
                }
                // Interrupted by someone else than stop(): count it as a failed round.
                Thread.interrupted();
                again = false;
                failures = backOff(e, ++failures);
            } catch (Exception e) {
                again = false;
                failures = backOff(e, ++failures);
            }
        }
    }

    /** Tells the listener and waits out the backoff (cut short by stop); returns the failure count. */
    private int backOff(Exception error, int failures) {
        Duration wait = backoff.after(failures);
        try {
            listener.failed(error, failures, wait);
        } catch (RuntimeException e) {
            LOG.warnf(e, "%s: failure listener threw", name);
        }
        try {
            stopping.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            running = false;
        }
        return failures;
    }

    @Override
    public String toString() {
        return "WakeableWorker[" + name + "]";
    }
}
