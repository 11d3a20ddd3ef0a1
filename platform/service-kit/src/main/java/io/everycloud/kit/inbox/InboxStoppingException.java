package io.everycloud.kit.inbox;

import io.everycloud.kit.problem.Causes;

/**
 * The service is stopping and the inbox did not apply the event (or the batch): nothing of it was
 * committed, and it must be neither dead-lettered nor acknowledged, so that it comes again after
 * the restart. The kit's failure strategy ({@link InboxFailureStrategy}) leaves a record nacked with
 * it uncommitted.
 */
public class InboxStoppingException extends RuntimeException {

    public InboxStoppingException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether {@code failure}, or one of its causes, is the inbox refusing because the service stops. */
    public static boolean isStopping(Throwable failure) {
        return Causes.any(failure, InboxStoppingException.class::isInstance);
    }
}
