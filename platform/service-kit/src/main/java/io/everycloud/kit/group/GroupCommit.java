package io.everycloud.kit.group;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.BiConsumer;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Group commit: requests put their item on a queue and wait (without a thread) for the item's own
 * future; a writer thread takes everything queued (at most {@code maxGroup}), commits it in one
 * transaction and completes the futures after the commit. Concurrent requests share one commit (one
 * WAL flush, one transaction's overhead) instead of paying one each, and the number of transactions
 * in flight is the number of writers, whatever the number of requests.
 *
 * <p>There are {@code writers} writers, each with its own queue of {@code queueCapacity / writers}
 * items; an item goes to the writer its key hashes to, so the items of one key are committed in the
 * order they were submitted and never by two writers at once. A full queue refuses the item
 * ({@link #submit} returns false: the caller answers 503). If a group's commit throws, each of its
 * items is committed again alone, so one item that cannot be committed fails alone
 * ({@code failed}); the others succeed as if they had come one by one.
 *
 * <p>The {@link Committer} owns the items' outcomes: it completes their futures once its transaction
 * committed (or records outcomes and completes them after), and throws if the group could not be
 * committed. Used by the registry's device writes and claim-service's claims.
 *
 * @param <T> the queued item
 */
public final class GroupCommit<T> {

    private static final Logger LOG = Logger.getLogger(GroupCommit.class);

    /** Commits a group in one transaction and completes its items; throws if the group was not committed. */
    @FunctionalInterface
    public interface Committer<T> {
        void commit(List<T> group) throws Exception;
    }

    private final String name;
    private final int maxGroup;
    private final Committer<T> committer;
    private final BiConsumer<T, Exception> failed;
    private final List<BlockingQueue<T>> queues;
    private final List<Thread> threads = new ArrayList<>();
    private final DistributionSummary groupSizes;
    private final Counter groupFailures;
    private volatile boolean running;
    /** Per writer: whether it is committing a group (not waiting for items). */
    private final AtomicIntegerArray committing;

    /**
     * @param name          the writers' thread names ({@code name-0}, ...) and the meters' prefix
     *                      ({@code name.group.size}, {@code name.group.failures}, {@code name.queued})
     * @param writers       writer threads (at least one)
     * @param queueCapacity items waiting, shared out among the writers
     * @param maxGroup      most items committed together
     * @param committer     commits a group
     * @param failed        told about an item that failed alone (complete its future exceptionally)
     * @param meters        where the group sizes and failures are counted
     */
    public GroupCommit(String name, int writers, int queueCapacity, int maxGroup, Committer<T> committer,
            BiConsumer<T, Exception> failed, MeterRegistry meters) {
        this.name = Objects.requireNonNull(name);
        this.maxGroup = Math.max(1, maxGroup);
        this.committer = Objects.requireNonNull(committer);
        this.failed = Objects.requireNonNull(failed);
        int count = Math.max(1, writers);
        int capacity = Math.max(1, queueCapacity / count);
        this.queues = new ArrayList<>(count);
        this.committing = new AtomicIntegerArray(count);
        for (int i = 0; i < count; i++) {
            queues.add(new ArrayBlockingQueue<>(capacity));
        }
        this.groupSizes = DistributionSummary.builder(name + ".group.size").description("items committed together")
                .register(meters);
        this.groupFailures = meters.counter(name + ".group.failures");
        Gauge.builder(name + ".queued", this, GroupCommit::queued).description("items waiting for a writer").register(meters);
    }

    /** Items waiting for a writer, all writers together (not those of the groups being committed). */
    public int queued() {
        int queued = 0;
        for (BlockingQueue<T> queue : queues) {
            queued += queue.size();
        }
        return queued;
    }

    /** Starts the writers. */
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        for (int i = 0; i < queues.size(); i++) {
            BlockingQueue<T> queue = queues.get(i);
            int writer = i;
            Thread thread = new Thread(() -> run(writer, queue), name + "-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    /**
     * Stops the writers: a group being committed finishes (within {@code grace}); the items still
     * queued are handed to {@code failed} with the given exception.
     */
    public synchronized void stop(Duration grace, Exception leftOver) {
        running = false;
        // writers waiting for items stop at once; a writer committing a group finishes it
        for (int i = 0; i < threads.size(); i++) {
            if (committing.get(i) == 0) {
                threads.get(i).interrupt();
            }
        }
        long deadline = System.nanoTime() + grace.toNanos();
        for (Thread thread : threads) {
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread.interrupt();
        }
        threads.clear();
        List<T> left = new ArrayList<>();
        queues.forEach(q -> q.drainTo(left));
        left.forEach(item -> failed.accept(item, leftOver));
    }

    /** Queues an item on the writer of {@code key}; false when that queue is full or the writers are stopped. */
    public boolean submit(Object key, T item) {
        BlockingQueue<T> queue = queues.get(Math.floorMod(Objects.hashCode(key), queues.size()));
        if (!running || !queue.offer(item)) {
            return false;
        }
        // stopped meanwhile: take the item back unless stop() already drained (and failed) it
        return running || !queue.remove(item);
    }

    private void run(int writer, BlockingQueue<T> queue) {
        List<T> group = new ArrayList<>(maxGroup);
        while (running) {
            try {
                T first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                committing.set(writer, 1);
                group.add(first);
                queue.drainTo(group, maxGroup - 1);
                commit(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.errorf(e, "%s: a group failed unexpectedly", name);
            } finally {
                committing.set(writer, 0);
                group.clear();
            }
        }
    }

    private void commit(List<T> group) {
        try {
            committer.commit(group);
            groupSizes.record(group.size());
            return;
        } catch (Exception groupFailure) {
            if (groupFailure instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            groupFailures.increment();
            if (group.size() == 1) {
                failed.accept(group.get(0), groupFailure);
                return;
            }
            LOG.debugf(groupFailure, "%s: a group of %d failed; committing its items one by one", name, group.size());
        }
        for (T item : group) {
            try {
                committer.commit(List.of(item));
                groupSizes.record(1);
            } catch (Exception e) {
                failed.accept(item, e);
            }
        }
    }
}
