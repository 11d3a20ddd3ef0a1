package io.everycloud.notification.delivery;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.everycloud.notification.NotificationConfig;
import io.everycloud.notification.account.Recipient;
import io.everycloud.notification.branding.BrandingService;
import io.everycloud.kit.worker.Backoff;
import io.everycloud.kit.worker.WakeableWorker;
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
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    enum Outcome { SENT, SKIPPED, REFUSED, UNAVAILABLE }

    @Inject
    ReactiveMailer mailer;

    @Inject
    NotificationConfig config;

    @Inject
    BrandingService branding;

    @Inject
    DeliveryMetrics metrics;

    private WakeableWorker worker;

    void start(@Observes StartupEvent event) {
        worker = new WakeableWorker("mail-sender", config.mail().pollInterval(),
                new Backoff(config.mail().initialBackoff(), config.mail().maxBackoff()), this::round, new WakeableWorker.Listener() {
                    @Override
                    public void failed(Exception error, int consecutive, Duration backoff) {
                        if (error instanceof SmtpUnavailable) {
                            // the emails wait, not fail: retry as soon as the backoff is over
                            wake();
                            if (consecutive == 1) {
                                LOG.warnf("SMTP server unreachable; emails stay pending, retrying with backoff up to %s",
                                        config.mail().maxBackoff());
                            }
                        } else {
                            LOG.warnf("mail sender round failed: %s", error.getMessage());
                        }
                    }

                    @Override
                    public void recovered(int failedRounds) {
                        LOG.info("mail sender: SMTP server reachable again");
                    }
                });
        worker.start();
    }

    /** Stops the sender thread (bounded) before the datasource closes; an email being sent has 5 s to finish. */
    void stop(@Observes ShutdownEvent event) {
        if (worker != null) {
            worker.stop(STOP_GRACE);
        }
    }

    /** Asks the sender to look at the delivery log now (called after an event queued emails). */
    public void wake() {
        if (worker != null) {
            worker.wake();
        }
    }

    /** Sends due emails while full batches go out; throws {@link SmtpUnavailable} when the server cannot be reached. */
    private boolean round() {
        Outcome last = sendDue();
        if (last == Outcome.UNAVAILABLE) {
            throw new SmtpUnavailable();
        }
        return last == Outcome.SENT;
    }

    private boolean running() {
        return worker != null && worker.isRunning();
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
            if (!running()) {
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
            if (isUnavailable(e) || !running()) {
                // (at shutdown the send is interrupted: not the email's fault either)
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

    /** The SMTP server could not be reached: the round stops and the sender backs off. */
    static final class SmtpUnavailable extends RuntimeException {
        SmtpUnavailable() {
            super("SMTP server unavailable", null, false, false);
        }
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
