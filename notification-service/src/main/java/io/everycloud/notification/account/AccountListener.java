package io.everycloud.notification.account;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.everycloud.events.Envelope;
import io.everycloud.events.UserEvents;
import io.everycloud.kit.inbox.Channels;
import io.everycloud.kit.inbox.Inbox;
import io.everycloud.notification.delivery.EmailQueue;
import io.everycloud.notification.delivery.MailSender;
import io.everycloud.notification.template.EmailType;
import io.smallrye.reactive.messaging.annotations.Blocking;

/**
 * user.account.v1 → the recipients projection, and the account emails: sign-up verification,
 * the welcome of an account a device asked for, and password resets.
 */
@ApplicationScoped
public class AccountListener {

    private static final Logger LOG = Logger.getLogger(AccountListener.class);
    static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    @Inject
    Inbox inbox;

    @Inject
    EmailQueue emails;

    @Inject
    MailSender sender;

    @Incoming(Channels.USER_ACCOUNT)
    @Blocking(ordered = true)
    public void onAccount(String message) {
        if (inbox.handle("notification-accounts", message, this::apply)) {
            sender.wake();
        }
    }

    void apply(Envelope envelope) {
        if (envelope.is(UserEvents.AccountRegistered.class)) {
            registered(envelope, envelope.dataAs(UserEvents.AccountRegistered.class));
        } else if (envelope.is(UserEvents.DeviceAccountReady.class)) {
            deviceAccountReady(envelope, envelope.dataAs(UserEvents.DeviceAccountReady.class));
        } else if (envelope.is(UserEvents.PasswordResetRequested.class)) {
            passwordReset(envelope, envelope.dataAs(UserEvents.PasswordResetRequested.class));
        } else if (envelope.is(UserEvents.AccountUpdated.class)) {
            UserEvents.AccountUpdated e = envelope.dataAs(UserEvents.AccountUpdated.class);
            Recipient r = Recipient.upsert(e.userId());
            if (e.email() != null && !e.email().isBlank()) {
                r.email = e.email();
            }
            if (e.name() != null) {
                r.name = e.name();
            }
            r.persist();
        } else if (envelope.is(UserEvents.AccountBlocked.class)) {
            status(envelope.dataAs(UserEvents.AccountBlocked.class).userId(), Recipient.BLOCKED);
        } else if (envelope.is(UserEvents.AccountUnblocked.class)) {
            status(envelope.dataAs(UserEvents.AccountUnblocked.class).userId(), Recipient.ACTIVE);
        } else if (envelope.is(UserEvents.AccountDeleted.class)) {
            Recipient r = Recipient.upsert(envelope.dataAs(UserEvents.AccountDeleted.class).userId());
            r.status = Recipient.DELETED;
            // Keep no personal data of a deleted account.
            r.email = null;
            r.name = null;
            r.persist();
        }
    }

    private void registered(Envelope envelope, UserEvents.AccountRegistered e) {
        Recipient r = known(e.userId(), e.email(), e.name());
        if (UserEvents.ORIGIN_SIGNUP.equals(e.origin()) && e.verificationUrl() != null && mayWrite(r, envelope)) {
            Map<String, Object> data = data(e.email(), r.name);
            data.put("verificationUrl", e.verificationUrl());
            data.put("expiresAt", when(e.expiresAt()));
            emails.enqueue(envelope, EmailType.SIGNUP, e.userId(), e.email(), data);
        }
    }

    private void deviceAccountReady(Envelope envelope, UserEvents.DeviceAccountReady e) {
        Recipient r = known(e.userId(), e.email(), null);
        if (mayWrite(r, envelope)) {
            Map<String, Object> data = data(e.email(), r.name);
            data.put("identity", e.identity());
            data.put("newAccount", e.newAccount());
            data.put("setupUrl", e.newAccount() ? e.setupUrl() : null);
            data.put("expiresAt", when(e.expiresAt()));
            emails.enqueue(envelope, EmailType.DEVICE_CLAIM_WELCOME, e.userId(), e.email(), data);
        }
    }

    private void passwordReset(Envelope envelope, UserEvents.PasswordResetRequested e) {
        Recipient r = known(e.userId(), e.email(), null);
        if (mayWrite(r, envelope)) {
            Map<String, Object> data = data(e.email(), r.name);
            data.put("resetUrl", e.resetUrl());
            data.put("expiresAt", when(e.expiresAt()));
            emails.enqueue(envelope, EmailType.PASSWORD_RESET, e.userId(), e.email(), data);
        }
    }

    /** The recipient row with the address an event carries (the newest we know). */
    private static Recipient known(UUID userId, String email, String name) {
        Recipient r = Recipient.upsert(userId);
        r.email = email;
        if (name != null && !name.isBlank()) {
            r.name = name;
        }
        r.persist();
        return r;
    }

    private static boolean mayWrite(Recipient r, Envelope envelope) {
        if (!Recipient.ACTIVE.equals(r.status)) {
            LOG.infof("no email for event %s (%s): the account is %s", envelope.id(), envelope.type(), r.status);
            return false;
        }
        return true;
    }

    private static void status(UUID userId, String status) {
        Recipient r = Recipient.upsert(userId);
        if (!Recipient.DELETED.equals(r.status)) {
            r.status = status;
        }
        r.persist();
    }

    /** The variables every email has: the recipient's address and name (null when unknown). */
    public static Map<String, Object> data(String email, String name) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("email", email);
        data.put("name", name == null || name.isBlank() ? null : name);
        return data;
    }

    public static String when(Instant instant) {
        return instant == null ? null : WHEN.format(instant);
    }
}
