package io.everycloud.kit.inbox;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

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
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof InboxStoppingException) {
                return true;
            }
        }
        return false;
    }
}
