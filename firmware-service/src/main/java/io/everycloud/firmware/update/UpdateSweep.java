package io.everycloud.firmware.update;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.everycloud.firmware.rollout.RolloutService;
import io.quarkus.scheduler.Scheduled;

/** Periodically ends silent updates (TIMED_OUT) and re-evaluates running rollouts. */
@ApplicationScoped
public class UpdateSweep {

    private static final Logger LOG = Logger.getLogger(UpdateSweep.class);

    @Inject
    UpdateService updates;

    @Inject
    RolloutService rollouts;

    @Scheduled(every = "${firmware.sweep-interval:30s}", delayed = "${firmware.sweep-interval:30s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        try {
            int timedOut;
            do {
                timedOut = updates.timeOutStale();
                if (timedOut > 0) {
                    LOG.infof("%d update(s) timed out", timedOut);
                }
            } while (timedOut >= 500);
            rollouts.evaluateRunning();
        } catch (RuntimeException e) {
            // The database may be away for a moment; the next run tries again.
            LOG.warnf("firmware sweep failed: %s", e.getMessage());
        }
    }
}
