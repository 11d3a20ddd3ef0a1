package io.everycloud.notification.template;

/** An email ready to send: one-line subject, HTML body and text body. */
public record RenderedEmail(String subject, String html, String text) {
}
