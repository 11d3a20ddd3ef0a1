package io.everycloud.events;

/** An event that can never be applied (unreadable JSON, unknown type): it goes straight to the dead-letter topic. */
public class MalformedEventException extends RuntimeException {
    public MalformedEventException(String message, Throwable cause) {
        super(message, cause);
    }

    public MalformedEventException(String message) {
        super(message);
    }
}
