package io.everycloud.kit.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import io.everycloud.kit.inbox.Inbox;

/**
 * Not alive when the inbox holds every event although the service is not stopping: a worker was
 * interrupted, or the datasource closed, outside a shutdown (see {@link Inbox}). The held events are
 * not committed, so restarting the service (what a failing liveness probe does) delivers them again.
 */
@Liveness
@ApplicationScoped
public class InboxLiveness implements HealthCheck {

    @Inject
    Inbox inbox;

    @Override
    public HealthCheckResponse call() {
        return inbox.stoppedWhileRunning()
                .map(why -> HealthCheckResponse.named("inbox").down().withData("held", "every event, until a restart: " + why).build())
                .orElseGet(() -> HealthCheckResponse.named("inbox").up().build());
    }
}
