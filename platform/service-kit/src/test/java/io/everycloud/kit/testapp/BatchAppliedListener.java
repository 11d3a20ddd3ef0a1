package io.everycloud.kit.testapp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.everycloud.kit.inbox.Inbox;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;

/**
 * The same application as {@link AppliedListener} (same table, same poison and "db-down-N" rules) on
 * a batch channel ({@code batch=true}, topic {@value #TOPIC}): the inbox applies each poll in one
 * transaction. Remembers the records of every batch it was handed, so tests see that batches formed.
 */
@ApplicationScoped
public class BatchAppliedListener {

    public static final String TOPIC = "kit.batch.v1";
    public static final String CONSUMER = "kit-batch-test";

    /** The record values of each batch handed to the method, in the order they came. */
    public static final Queue<List<String>> BATCHES = new ConcurrentLinkedQueue<>();

    @Inject
    Inbox inbox;

    @Inject
    AppliedListener applied;

    @Incoming("batch-applied")
    @Blocking
    public CompletionStage<Void> onBatch(KafkaRecordBatch<String, String> batch) {
        BATCHES.add(Collections.unmodifiableList(new ArrayList<>(batch.getPayload())));
        return inbox.handleBatch(CONSUMER, batch, applied::apply);
    }
}
