package io.everycloud.portal.upstream;

import java.util.List;

/**
 * Another service refused or failed a request made on the user's behalf. {@link #message()} is
 * written for the person in front of the page (the service's own problem detail and field
 * messages, or a plain sentence when the service could not be reached).
 */
public class UpstreamException extends RuntimeException {

    private final int status;
    private final String message;
    private final List<String> details;

    public UpstreamException(int status, String message, List<String> details) {
        super(status + " " + message, null, false, false);
        this.status = status;
        this.message = message;
        this.details = List.copyOf(details);
    }

    /** The HTTP status the service answered; 503 when it could not be reached. */
    public int status() {
        return status;
    }

    public String message() {
        return message;
    }

    /** One line per bad field, e.g. "password: must have at least 10 characters". */
    public List<String> details() {
        return details;
    }
}
