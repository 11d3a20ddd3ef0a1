package io.everycloud.kit.problem;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.Predicate;

/** Questions about a failure and the chain of its causes (wrappers of JTA, Hibernate, Agroal, SmallRye). */
public final class Causes {

    private Causes() {
    }

    /** Whether {@code failure} or one of its causes matches; a cause that comes round again ends the walk. */
    public static boolean any(Throwable failure, Predicate<Throwable> test) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            if (test.test(t)) {
                return true;
            }
        }
        return false;
    }
}
