package io.everycloud.kit.db;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Set;

import io.everycloud.kit.problem.Causes;

/**
 * The one answer to "is this failure the database being unavailable?", shared by the HTTP error
 * mapping (such a failure answers 503, not 500) and the inbox (such an event is retried until the
 * database is back, never dead-lettered). The database is unavailable when the failure, or any of
 * its causes (Hibernate, JTA, Agroal and {@code IllegalStateException} wrappers included), is:
 * <ul>
 * <li>an SQL error of class 08 (connection exception: refused, broken, I/O error);</li>
 * <li>57P01, 57P02, 57P03 (administrator or crash shutdown, the server cannot connect now);</li>
 * <li>55000 when the server refuses connections ("database ... is not currently accepting connections");</li>
 * <li>53300 (too many connections);</li>
 * <li>the pool giving up acquiring a connection (Agroal's "acquisition timeout",
 * {@link SQLTransientConnectionException});</li>
 * <li>Hibernate's {@code JDBCConnectionException}.</li>
 * </ul>
 * Anything else (a constraint violation, a bug, bad data) is not transient. The pool being closed
 * ({@link #isPoolClosed}) is not "unavailable" either: it does not come back, the service is stopping.
 */
public final class DatabaseFailures {

    private static final Set<String> UNAVAILABLE_STATES = Set.of("57P01", "57P02", "57P03", "53300");

    private DatabaseFailures() {
    }

    /** Whether {@code failure} means the database cannot be reached or used right now (see class comment). */
    public static boolean isUnavailable(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        return isUnavailable(failure, seen);
    }

    /**
     * Whether {@code failure}, or one of its causes, is Agroal refusing a connection because its pool
     * was closed, which happens when the service stops (the datasource is closed under a running
     * worker).
     */
    public static boolean isPoolClosed(Throwable failure) {
        return Causes.any(failure, t -> t instanceof SQLException && t.getMessage() != null
                && t.getMessage().toLowerCase(Locale.ROOT).contains("pool is closed"));
    }

    private static boolean isUnavailable(Throwable failure, Set<Throwable> seen) {
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql) {
                if (isUnavailableState(sql.getSQLState(), sql.getMessage()) || isAcquisitionTimeout(sql)) {
                    return true;
                }
                if (sql.getNextException() != null && isUnavailable(sql.getNextException(), seen)) {
                    return true;
                }
            }
            if (t.getClass().getName().equals("org.hibernate.exception.JDBCConnectionException")) {
                return true;
            }
        }
        return false;
    }

    static boolean isUnavailableState(String state, String message) {
        if (state == null) {
            return false;
        }
        if (state.startsWith("08") || UNAVAILABLE_STATES.contains(state)) {
            return true;
        }
        // 55000 is "object not in prerequisite state"; it means "down" only as a connection refusal
        return state.equals("55000") && message != null
                && message.toLowerCase(Locale.ROOT).contains("accepting connections");
    }

    private static boolean isAcquisitionTimeout(SQLException sql) {
        String message = sql.getMessage();
        return message != null && message.toLowerCase(Locale.ROOT).contains("acquisition timeout");
    }
}
