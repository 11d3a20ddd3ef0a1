package io.everycloud.notification.webhook;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.everycloud.kit.worker.Backoff;
import io.everycloud.kit.worker.WakeableWorker;
import io.everycloud.notification.NotificationConfig;
import io.everycloud.notification.delivery.Delivery;
import io.everycloud.notification.delivery.DeliveryMetrics;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * POSTs pending webhook deliveries, signed (see {@link WebhookSignature}), in order per app and
 * device: only the oldest pending delivery of each device is ever in flight, so a delivery waiting
 * for its retry holds back the later ones of the same device, never other devices'. A 2xx answer
 * is success; anything else (or no answer) is retried with backoff until
 * {@code notification.webhooks.max-attempts}, then failed, and the device's next delivery goes.
 * Redirects are not followed (they could lead to private addresses).
 */
@ApplicationScoped
public class WebhookSender {

    private static final Logger LOG = Logger.getLogger(WebhookSender.class);
    private static final int BATCH = 200;
    /** Waits after a failed round (the database away): 1 s, doubled up to 5 s. */
    private static final Backoff ROUND_BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(5));
    private static final Duration STOP_GRACE = Duration.ofSeconds(2);

    @Inject
    NotificationConfig config;

    @Inject
    DeliveryMetrics metrics;

    private WakeableWorker worker;
    private ExecutorService workers;
    private HttpClient http;

    void start(@Observes StartupEvent event) {
        http = HttpClient.newBuilder().connectTimeout(config.webhooks().connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        workers = Executors.newFixedThreadPool(Math.max(1, config.webhooks().concurrency()), r -> {
            Thread t = new Thread(r, "webhook-delivery");
            t.setDaemon(true);
            return t;
        });
        // a delivered head lets the device's next delivery go at once: another round right away
        worker = new WakeableWorker("webhook-sender", config.webhooks().pollInterval(), ROUND_BACKOFF, () -> round() > 0,
                new WakeableWorker.Listener() {
                    @Override
                    public void failed(Exception error, int consecutive, Duration backoff) {
                        LOG.warnf("webhook sender round failed: %s", error.getMessage());
                    }
                });
        worker.start();
    }

    /**
     * Stops the sender before the datasource closes: requests in flight get {@link #STOP_GRACE}, then
     * they are interrupted and their rows stay pending with their attempts (sent again after a restart).
     */
    void stop(@Observes ShutdownEvent event) {
        if (worker != null) {
            worker.stop(STOP_GRACE);
        }
        if (workers != null) {
            workers.shutdownNow();
            try {
                if (!workers.awaitTermination(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("webhook deliveries still running at shutdown");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public void wake() {
        if (worker != null) {
            worker.wake();
        }
    }

    /** Sends the due head of each device's queue; returns how many were delivered. */
    int round() throws InterruptedException {
        @SuppressWarnings("unchecked")
        List<Number> heads = QuarkusTransaction.requiringNew().call(() -> Delivery.getEntityManager().createNativeQuery(
                "SELECT seq FROM (SELECT DISTINCT ON (recipient, ordering_key) seq, next_attempt_at FROM delivery "
                        + "WHERE kind = 'webhook' AND status = 'pending' ORDER BY recipient, ordering_key, seq) head "
                        + "WHERE next_attempt_at <= now() ORDER BY seq LIMIT " + BATCH)
                .getResultList());
        List<Future<Boolean>> results = new ArrayList<>();
        for (Number seq : heads) {
            results.add(workers.submit(() -> QuarkusTransaction.requiringNew().call(() -> deliver(seq.longValue()))));
        }
        int delivered = 0;
        for (Future<Boolean> result : results) {
            try {
                if (result.get()) {
                    delivered++;
                }
            } catch (java.util.concurrent.ExecutionException e) {
                LOG.warnf("webhook delivery failed unexpectedly: %s", e.getCause() == null ? e : e.getCause().getMessage());
            }
        }
        return delivered;
    }

    /** One attempt at one delivery, holding its row; returns whether it was delivered. */
    boolean deliver(long seq) {
        Delivery row = Delivery.lockPending(seq);
        if (row == null) {
            return false;
        }
        Webhook hook = Webhook.findById(row.recipient);
        if (hook == null) {
            row.failed("the app's webhook was removed");
            metrics.failed(Delivery.WEBHOOK);
            return false;
        }
        URI uri;
        try {
            uri = WebhookUrlPolicy.check(hook.url, config.webhooks().allowPrivate());
        } catch (WebhookUrlPolicy.Refused e) {
            row.failed("webhook URL refused: " + e.getMessage());
            metrics.failed(Delivery.WEBHOOK);
            return false;
        }
        long timestamp = Instant.now().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(config.webhooks().requestTimeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "EveryCloud-Webhooks/1")
                .header(WebhookSignature.DELIVERY_HEADER, row.id.toString())
                .header(WebhookSignature.EVENT_HEADER, row.type)
                .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp))
                .header(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(hook.secret, timestamp, row.payload))
                .POST(HttpRequest.BodyPublishers.ofString(row.payload))
                .build();
        String error;
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 == 2) {
                row.sent();
                metrics.sent(Delivery.WEBHOOK);
                return true;
            }
            error = "the receiver answered HTTP " + response.statusCode();
        } catch (java.io.IOException e) {
            error = "the receiver could not be reached: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } catch (InterruptedException e) {
            // shutdown: roll back, the delivery stays pending with its attempts
            Thread.currentThread().interrupt();
            throw new IllegalStateException("webhook delivery interrupted at shutdown");
        }
        metrics.attemptFailed(Delivery.WEBHOOK);
        if (row.attemptFailed(error, config.webhooks().maxAttempts(), config.webhooks().initialBackoff(),
                config.webhooks().maxBackoff())) {
            LOG.warnf("webhook delivery %s to app %s failed after %d attempts: %s", row.id, row.recipient, row.attempts, error);
            metrics.failed(Delivery.WEBHOOK);
        }
        return false;
    }
}
