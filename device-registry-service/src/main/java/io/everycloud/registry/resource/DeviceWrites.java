package io.everycloud.registry.resource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.everycloud.kit.group.GroupCommit;
import io.everycloud.kit.problem.ProblemException;
import io.everycloud.registry.RegistryConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Group commit for device writes (the kit's {@link GroupCommit}). Requests put their write on a
 * queue and wait (without a thread) for its future; a writer thread takes everything queued,
 * applies it in one plain JDBC transaction ({@link ResourceWriter#applyAlone}) and completes the
 * futures after the commit, so a 2xx always follows a durable write and concurrent writes share one
 * WAL flush. If a batch fails, its writes are retried one by one so one bad write (a device deleted
 * meanwhile) fails alone.
 * <p>
 * There are {@code registry.writes.writers} writers (one by default), each with its own queue; a
 * device's writes always go to the same one (by its identity), so they stay in order and two
 * writers never touch the same rows (no lock waits, no deadlocks). Meters:
 * {@code registry.device.writes.group.size}, {@code registry.device.writes.group.failures}.
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

    private GroupCommit<DeviceWrite> groups;

    void start(@Observes StartupEvent event) {
        groups = new GroupCommit<>("registry.device.writes", config.writes().writers(), config.writes().queueCapacity(),
                config.writes().maxBatch(), this::commit, this::fail, meters);
        groups.start();
    }

    void stop(@Observes ShutdownEvent event) {
        if (groups != null) {
            groups.stop(Duration.ofSeconds(5), ProblemException.unavailable("shutting down"));
        }
    }

    /** Queues a write; the future completes after its commit. 503 when the queue is full. */
    public CompletableFuture<List<Point>> submit(DeviceWrite write) {
        if (groups == null || !groups.submit(write.identity(), write)) {
            throw ProblemException.unavailable("too many writes waiting; retry later");
        }
        return write.done();
    }

    private void commit(List<DeviceWrite> batch) {
        Map<DeviceWrite, List<Point>> refused = writer.applyAlone(batch);
        for (DeviceWrite write : batch) {
            write.done().complete(refused.getOrDefault(write, List.of()));
        }
    }

    private void fail(DeviceWrite write, Exception e) {
        if (e instanceof ProblemException problem) {
            write.done().completeExceptionally(problem);
            return;
        }
        LOG.warnf("write of device %s failed: %s", write.identity(), e.getMessage());
        write.done().completeExceptionally(ProblemException.unavailable("the write could not be stored; retry"));
    }
}
