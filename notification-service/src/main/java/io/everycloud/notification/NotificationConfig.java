package io.everycloud.notification;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** notification-service settings ({@code notification.*}, environment {@code NOTIFICATION_*}). SMTP itself is {@code quarkus.mailer.*}. */
@ConfigMapping(prefix = "notification")
public interface NotificationConfig {

    Mail mail();

    Webhooks webhooks();

    /** Email sending. */
    interface Mail {
        /** Sender address; the display name is the branding's company name. */
        @WithDefault("no-reply@everycloud.local")
        String fromAddress();

        /** Attempts before an email is marked failed. */
        @WithDefault("10")
        int maxAttempts();

        /** Wait after the first failed attempt; doubled after each further failure. */
        @WithDefault("2S")
        Duration initialBackoff();

        /** Longest wait between two attempts of one email (and of the sender while SMTP is down). */
        @WithDefault("5M")
        Duration maxBackoff();

        /** Safety poll of the delivery log; new rows wake the sender at once. */
        @WithDefault("1S")
        Duration pollInterval();

        /** Longest wait for the SMTP server to take one email. */
        @WithDefault("30S")
        Duration sendTimeout();

        /** Most emails taken per round. */
        @WithDefault("50")
        int batchSize();
    }

    /** Signed data deliveries to apps. */
    interface Webhooks {
        /** Allow webhook URLs on loopback, link-local and private addresses (SSRF guard off); for tests and closed networks only. */
        @WithDefault("false")
        boolean allowPrivate();

        /** Attempts before a delivery is marked failed (later deliveries of the device then proceed). */
        @WithDefault("10")
        int maxAttempts();

        /** Wait after the first failed attempt; doubled after each further failure. */
        @WithDefault("2S")
        Duration initialBackoff();

        /** Longest wait between two attempts of one delivery. */
        @WithDefault("10M")
        Duration maxBackoff();

        /** Time to connect to a receiver. */
        @WithDefault("5S")
        Duration connectTimeout();

        /** Time a receiver has to answer. */
        @WithDefault("10S")
        Duration requestTimeout();

        /** Deliveries (to different devices) in flight at once. */
        @WithDefault("4")
        int concurrency();

        /** Safety poll of the delivery log; new rows wake the sender at once. */
        @WithDefault("1S")
        Duration pollInterval();
    }
}
