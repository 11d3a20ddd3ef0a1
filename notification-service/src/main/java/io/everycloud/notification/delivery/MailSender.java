package io.everycloud.notification.delivery;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.everycloud.notification.NotificationConfig;
import io.everycloud.notification.account.Recipient;
import io.everycloud.notification.branding.BrandingService;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Sends pending emails of the delivery log over SMTP, oldest first. Each email is sent inside a
 * transaction that holds its row ({@code FOR UPDATE SKIP LOCKED}), so replicas never send the same
 * row twice, and is marked sent when the server took it.
 *
 * <p>When the SMTP server cannot be reached the round stops and the sender backs off (doubling up
 * to {@code notification.mail.max-backoff}); an outage does not count against the emails, which
 * all go out once when the server is back. An email the server refuses counts a failed attempt
 * and is retried with its own backoff until {@code notification.mail.max-attempts}, then failed.
 */
@ApplicationScoped
public class MailSender {

    private static final Logger LOG = Logger.getLogger(MailSender.class);

    enum Outcome { SENT, SKIPPED, REFUSED, UNAVAILABLE }

    @Inject
    ReactiveMailer mailer;

    @Inject
    NotificationConfig config;

    @Inject
    BrandingService branding;

    @Inject
    DeliveryMetrics metrics;

    private final Semaphore wakeups = new Semaphore(0);
    private volatile boolean running;
    private Thread thread;

    void start(@Observes StartupEvent event) {
        running = true;
        thread = new Thread(this::run, "mail-sender");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        wake();
        if (thread != null) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Asks the sender to look at the delivery log now (called after an event queued emails). */
    public void wake() {
        wakeups.release();
    }

    private void run() {
        int outages = 0;
        while (running) {
            try {
                wakeups.tryAcquire(config.mail().pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                wakeups.drainPermits();
                if (!running) {
                    break;
                }
                Outcome last;
                do {
                    last = sendDue();
                } while (last == Outcome.SENT && running);
                if (last == Outcome.UNAVAILABLE) {
                    outages++;
                    Duration wait = Backoff.after(outages, config.mail().initialBackoff(), config.mail().maxBackoff());
                    if (outages == 1) {
                        LOG.warnf("SMTP server unreachable; emails stay pending, retrying with backoff up to %s", config.mail().maxBackoff());
                    }
                    Thread.sleep(wait.toMillis());
                    wake();
                } else {
                    if (outages > 0) {
                        LOG.info("SMTP server reachable again");
                    }
                    outages = 0;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                LOG.warnf("mail sender round failed: %s", e.getMessage());
                try {
                    Thread.sleep(config.mail().initialBackoff().toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * One round over due emails. Returns SENT when a full batch was worked through (more may be
     * due), UNAVAILABLE when SMTP could not be reached, SKIPPED otherwise.
     */
    Outcome sendDue() {
        List<Long> due = QuarkusTransaction.requiringNew().call(() -> Delivery.getEntityManager()
                .createQuery("SELECT d.seq FROM Delivery d WHERE d.kind = 'email' AND d.status = 'pending' "
                        + "AND d.nextAttemptAt <= :now ORDER BY d.seq", Long.class)
                .setParameter("now", Instant.now())
                .setMaxResults(config.mail().batchSize())
                .getResultList());
        for (Long seq : due) {
            if (!running) {
                return Outcome.SKIPPED;
            }
            if (QuarkusTransaction.requiringNew().call(() -> sendOne(seq)) == Outcome.UNAVAILABLE) {
                return Outcome.UNAVAILABLE;
            }
        }
        return due.size() >= config.mail().batchSize() ? Outcome.SENT : Outcome.SKIPPED;
    }

    private Outcome sendOne(long seq) {
        Delivery row = Delivery.lockPending(seq);
        if (row == null) {
            return Outcome.SKIPPED;
        }
        if (Recipient.isBarred(row.userId)) {
            row.failed("the recipient's account is blocked or deleted");
            metrics.failed(Delivery.EMAIL);
            return Outcome.SKIPPED;
        }
        Mail mail = Mail.withHtml(row.recipient, row.subject, row.html)
                .setText(row.text)
                .setFrom(from())
                .addHeader("X-EveryCloud-Delivery", row.id.toString());
        try {
            mailer.send(mail).await().atMost(config.mail().sendTimeout());
        } catch (RuntimeException e) {
            String error = describe(e);
            metrics.attemptFailed(Delivery.EMAIL);
            if (isUnavailable(e)) {
                // Not the email's fault: keep its attempts, note why it waits.
                row.lastError = "SMTP server unavailable: " + error;
                return Outcome.UNAVAILABLE;
            }
            if (row.attemptFailed(error, config.mail().maxAttempts(), config.mail().initialBackoff(), config.mail().maxBackoff())) {
                LOG.warnf("email %s to %s failed after %d attempts: %s", row.id, row.recipient, row.attempts, error);
                metrics.failed(Delivery.EMAIL);
            }
            return Outcome.REFUSED;
        }
        row.sent();
        metrics.sent(Delivery.EMAIL);
        return Outcome.SENT;
    }

    /** "Company <address>", the display name from the branding in force. */
    private String from() {
        String name = branding.current().companyName().replaceAll("[\"<>\\r\\n\\\\,;]", "").strip();
        String address = config.mail().fromAddress();
        return name.isEmpty() ? address : "\"" + name + "\" <" + address + ">";
    }

    static boolean isUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof NoRouteToHostException
                    || t instanceof ClosedChannelException || t instanceof SocketException || t instanceof TimeoutException
                    || t instanceof io.smallrye.mutiny.TimeoutException
                    || t.getClass().getSimpleName().contains("ConnectTimeout")) {
                return true;
            }
            String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase();
            if (message.contains("connection refused") || message.contains("connection was closed")
                    || message.contains("connection reset") || message.contains("failed to connect")) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.length() > 500 ? message.substring(0, 500) : message;
    }
}
