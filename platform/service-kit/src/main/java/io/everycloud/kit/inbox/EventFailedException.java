package io.everycloud.kit.inbox;

import io.everycloud.events.Envelope;

/** An event that kept failing; its message carries the cause into the dead-letter record. */
public class EventFailedException extends RuntimeException {

    public EventFailedException(Envelope envelope, Throwable cause) {
        super("event " + envelope.id() + " (" + envelope.type() + ") failed: "
                + (cause == null ? "unknown" : cause.getClass().getSimpleName() + ": " + cause.getMessage()), cause);
    }
}
