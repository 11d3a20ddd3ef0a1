package io.everycloud.notification.webhook;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

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
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;

/**
 * POSTs pending webhook deliveries, signed (see {@link WebhookSignature}), in order per app and
 * device: only the oldest pending delivery of each device is ever in flight, so a delivery waiting
 * for its retry holds back the later ones of the same device, never other devices'. A 2xx answer
 * is success; anything else (or no answer) is retried with backoff until
 * {@code notification.webhooks.max-attempts}, then failed, and the device's next delivery goes.
 * Redirects are not followed (they could lead to private addresses).
 *
 * <p>Each attempt resolves the host once, checks every address with {@link WebhookUrlPolicy} and
 * connects to the first of them; the URL's host stays the Host header, the TLS server name and the
 * name the certificate must match. The client never resolves the host itself, so a DNS server that
 * answers a public address to the check and a private one afterwards (rebinding) is not obeyed.
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

    @Inject
    WebhookDns dns;

    @Inject
    Vertx vertx;

    private WakeableWorker worker;
    private ExecutorService workers;
    private HttpClient http;

    void start(@Observes StartupEvent event) {
        http = vertx.createHttpClient(new HttpClientOptions()
                        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.webhooks().connectTimeout().toMillis()))
                        .setVerifyHost(true),
                new PoolOptions().setHttp1MaxSize(Math.max(5, config.webhooks().concurrency())));
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
        if (http != null) {
            http.close();
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
        WebhookUrlPolicy.Target target = null;
        String error = null;
        try {
            target = WebhookUrlPolicy.target(hook.url, config.webhooks().allowPrivate(), dns);
        } catch (WebhookUrlPolicy.Refused e) {
            row.failed("webhook URL refused: " + e.getMessage());
            metrics.failed(Delivery.WEBHOOK);
            return false;
        } catch (UnknownHostException e) {
            // only with private addresses allowed (the guard refuses it above): retried, as before
            error = "the receiver could not be reached: unknown host " + e.getMessage();
        }
        if (target != null) {
            long timestamp = Instant.now().getEpochSecond();
            RequestOptions request = request(target)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .putHeader(HttpHeaders.USER_AGENT, "EveryCloud-Webhooks/1")
                    .putHeader(WebhookSignature.DELIVERY_HEADER, row.id.toString())
                    .putHeader(WebhookSignature.EVENT_HEADER, row.type)
                    .putHeader(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp))
                    .putHeader(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(hook.secret, timestamp, row.payload));
            try {
                int status = post(request, row.payload);
                if (status / 100 == 2) {
                    row.sent();
                    metrics.sent(Delivery.WEBHOOK);
                    return true;
                }
                error = "the receiver answered HTTP " + status;
            } catch (IOException e) {
                error = "the receiver could not be reached at " + where(request.getServer()) + ": "
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            } catch (InterruptedException e) {
                // shutdown: roll back, the delivery stays pending with its attempts
                Thread.currentThread().interrupt();
                throw new IllegalStateException("webhook delivery interrupted at shutdown");
            }
        }
        metrics.attemptFailed(Delivery.WEBHOOK);
        if (row.attemptFailed(error, config.webhooks().maxAttempts(), config.webhooks().initialBackoff(),
                config.webhooks().maxBackoff())) {
            LOG.warnf("webhook delivery %s to app %s failed after %d attempts: %s", row.id, row.recipient, row.attempts, error);
            metrics.failed(Delivery.WEBHOOK);
        }
        return false;
    }

    /**
     * A POST to the target's first checked address ({@code setServer}: no lookup by the client), with
     * the URL's host for Host, SNI and the certificate check. Redirects are not followed.
     */
    private RequestOptions request(WebhookUrlPolicy.Target target) {
        URI uri = target.uri();
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        int defaultPort = https ? 443 : 80;
        int port = uri.getPort() == -1 ? defaultPort : uri.getPort();
        InetAddress address = target.addresses().get(0);
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        return new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
                .setHost(target.host())
                .setPort(port)
                .setSsl(https)
                .setURI(path)
                .setFollowRedirects(false)
                .setIdleTimeout(config.webhooks().requestTimeout().toMillis())
                // as the URL names it (IPv6 in brackets), the port only when it is not the scheme's
                .putHeader(HttpHeaders.HOST, port == defaultPort ? uri.getHost() : uri.getHost() + ":" + port);
    }

    /** Sends the request and waits for the whole answer (body discarded) up to the request timeout; returns the status. */
    private int post(RequestOptions options, String body) throws IOException, InterruptedException {
        AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
        // The answer's body is read in the same callback that gets the answer: called from a thread
        // outside Vert.x, a separate stage runs later, when a short answer (a 204) may have ended
        // already ("Response already ended": the receiver got the delivery, the sender saw a failure
        // and sent it again).
        CompletableFuture<Integer> answer = http.request(options)
                .compose(request -> {
                    sent.set(request);
                    return request.send(Buffer.buffer(body))
                            .compose(response -> response.body().map(ignored -> response.statusCode()));
                })
                .toCompletionStage().toCompletableFuture();
        try {
            return answer.get(config.webhooks().requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IOException(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage(), cause);
        } catch (TimeoutException e) {
            abort(sent.get());
            throw new IOException("no answer within " + config.webhooks().requestTimeout().toMillis() + " ms");
        } catch (InterruptedException e) {
            abort(sent.get());
            throw e;
        }
    }

    private static void abort(HttpClientRequest request) {
        if (request != null) {
            request.reset();
        }
    }

    private static String where(SocketAddress server) {
        return (server.host().indexOf(':') >= 0 ? "[" + server.host() + "]" : server.host()) + ":" + server.port();
    }
}
