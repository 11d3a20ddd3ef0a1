package io.everycloud.registry.resource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.everycloud.kit.problem.ProblemException;
import io.everycloud.registry.RegistryConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Group commit for device writes. Requests put their write on a queue and wait (without a
 * thread) for its future; a writer thread takes everything queued, applies it in one plain JDBC
 * transaction ({@link ResourceWriter#applyAlone}) and completes the futures after the commit, so
 * a 2xx always follows a durable write and concurrent writes share one WAL flush. If a batch
 * fails, its writes are retried one by one so one bad write (a device deleted meanwhile) fails
 * alone.
 * <p>
 * There are {@code registry.writes.writers} writers (one by default), each with its own queue; a
 * device's writes always go to the same one (by its identity), so they stay in order and two
 * writers never touch the same rows (no lock waits, no deadlocks).
 */
@ApplicationScoped
public class DeviceWrites {

    private static final Logger LOG = Logger.getLogger(DeviceWrites.class);

    @Inject
    RegistryConfig config;

    @Inject
    ResourceWriter writer;

    @Inject
    MeterRegistry meters;

    private List<BlockingQueue<DeviceWrite>> queues;
    private volatile boolean running;
    private final List<Thread> threads = new ArrayList<>();
    private DistributionSummary batchSizes;
    private Counter failures;

    void start(@Observes StartupEvent event) {
        int writers = Math.max(1, config.writes().writers());
        int capacity = Math.max(1, config.writes().queueCapacity() / writers);
        queues = new ArrayList<>(writers);
        batchSizes = DistributionSummary.builder("registry.device.writes.batch.size")
                .description("device writes committed together").register(meters);
        failures = meters.counter("registry.device.writes.failures");
        running = true;
        for (int i = 0; i < writers; i++) {
            BlockingQueue<DeviceWrite> queue = new ArrayBlockingQueue<>(capacity);
            queues.add(queue);
            Thread thread = new Thread(() -> run(queue), "device-writes-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        threads.forEach(Thread::interrupt);
        for (Thread thread : threads) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<DeviceWrite> left = new ArrayList<>();
        if (queues != null) {
            queues.forEach(q -> q.drainTo(left));
        }
        left.forEach(w -> w.done().completeExceptionally(ProblemException.unavailable("shutting down")));
    }

    /** Queues a write; the future completes after its commit. 503 when the queue is full. */
    public CompletableFuture<List<Point>> submit(DeviceWrite write) {
        if (!running || !queues.get(Math.floorMod(write.identity().hashCode(), queues.size())).offer(write)) {
            throw ProblemException.unavailable("too many writes waiting; retry later");
        }
        return write.done();
    }

    private void run(BlockingQueue<DeviceWrite> queue) {
        int max = Math.max(1, config.writes().maxBatch());
        List<DeviceWrite> batch = new ArrayList<>(max);
        while (running) {
            try {
                DeviceWrite first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, max - 1);
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.errorf(e, "device write batch failed unexpectedly");
            } finally {
                batch.clear();
            }
        }
    }

    private void commit(List<DeviceWrite> batch) {
        try {
            Map<DeviceWrite, List<Point>> refused = writer.applyAlone(batch);
            batchSizes.record(batch.size());
            for (DeviceWrite write : batch) {
                write.done().complete(refused.getOrDefault(write, List.of()));
            }
        } catch (RuntimeException batchFailure) {
            if (batch.size() == 1) {
                fail(batch.get(0), batchFailure);
                return;
            }
            for (DeviceWrite write : batch) {
                try {
                    Map<DeviceWrite, List<Point>> refused = writer.applyAlone(List.of(write));
                    write.done().complete(refused.getOrDefault(write, List.of()));
                } catch (RuntimeException e) {
                    fail(write, e);
                }
            }
        }
    }

    private void fail(DeviceWrite write, RuntimeException e) {
        failures.increment();
        LOG.warnf("write of device %s failed: %s", write.identity(), e.getMessage());
        write.done().completeExceptionally(ProblemException.unavailable("the write could not be stored; retry"));
    }
}
