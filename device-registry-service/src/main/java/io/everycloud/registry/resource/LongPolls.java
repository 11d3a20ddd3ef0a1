package io.everycloud.registry.resource;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.everycloud.kit.problem.ProblemException;
import io.everycloud.registry.RegistryConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * Held long polls, in memory: a poll is a future waiting for the next committed write of one
 * alias of one device. A held poll costs an entry here and an open connection, never a thread.
 * Writes wake the polls of the replica that committed them.
 */
@ApplicationScoped
public class LongPolls {

    @Inject
    RegistryConfig config;

    @Inject
    MeterRegistry meters;

    private final ConcurrentHashMap<String, Set<CompletableFuture<ResourceValue>>> waiting = new ConcurrentHashMap<>();
    private final AtomicInteger held = new AtomicInteger();

    void metrics(@Observes StartupEvent event) {
        Gauge.builder("registry.long.polls.held", held, AtomicInteger::get)
                .description("device long polls waiting for a value").register(meters);
    }

    /** Registers a poll; complete or {@link #cancel} it. 503 when this replica holds its maximum. */
    public CompletableFuture<ResourceValue> await(String identity, String alias) {
        if (held.incrementAndGet() > config.deviceApi().maxHeldPolls()) {
            held.decrementAndGet();
            throw ProblemException.unavailable("too many long polls held; retry later");
        }
        CompletableFuture<ResourceValue> poll = new CompletableFuture<>();
        // compute, not computeIfAbsent(..).add: the add must be atomic with wake's remove.
        waiting.compute(key(identity, alias), (k, polls) -> {
            Set<CompletableFuture<ResourceValue>> set = polls == null ? ConcurrentHashMap.newKeySet() : polls;
            set.add(poll);
            return set;
        });
        return poll;
    }

    /** Forgets a poll that timed out, was answered from the database, or whose client went away. */
    public void cancel(String identity, String alias, CompletableFuture<ResourceValue> poll) {
        String key = key(identity, alias);
        waiting.computeIfPresent(key, (k, polls) -> {
            if (polls.remove(poll)) {
                held.decrementAndGet();
            }
            return polls.isEmpty() ? null : polls;
        });
    }

    /** Answers every poll of this alias with the value just committed. */
    public void wake(ResourceValue value) {
        Set<CompletableFuture<ResourceValue>> polls = waiting.remove(key(value.identity(), value.alias()));
        if (polls == null) {
            return;
        }
        for (CompletableFuture<ResourceValue> poll : polls) {
            held.decrementAndGet();
            poll.complete(value);
        }
    }

    /** Whether some poll waits for this alias of this device. */
    public boolean waiting(String identity, String alias) {
        return waiting.containsKey(key(identity, alias));
    }

    public int held() {
        return held.get();
    }

    private static String key(String identity, String alias) {
        return identity + '\u0000' + alias;
    }
}
