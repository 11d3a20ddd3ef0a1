package io.everycloud.kit.inbox;

import java.util.function.BiConsumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.kafka.fault.KafkaFailureHandler;
import io.vertx.mutiny.core.Vertx;

/**
 * The kit's failure strategy for incoming Kafka channels ({@code failure-strategy=}{@value #NAME}, the
 * default of every service): SmallRye's dead-letter-queue strategy (the record goes to
 * {@code dead-letter-queue.topic}, {@code <topic>.dlq}, with the error, then its offset is committed),
 * except for a record nacked because the service is stopping ({@link InboxStoppingException}): that
 * one is neither dead-lettered nor committed, and comes again after the restart. Its offset stays
 * uncommitted because, once stopping, the inbox refuses every later record too, so none behind it is
 * acknowledged (the {@code latest} commit strategy commits the last acknowledged offset).
 */
@ApplicationScoped
@Identifier(InboxFailureStrategy.NAME)
public class InboxFailureStrategy implements KafkaFailureHandler.Factory {

    public static final String NAME = "inbox-dead-letter-queue";

    private static final Logger LOG = Logger.getLogger(InboxFailureStrategy.class);

    @Inject
    @Identifier(KafkaFailureHandler.Strategy.DEAD_LETTER_QUEUE)
    KafkaFailureHandler.Factory deadLetterQueue;

    @Override
    public KafkaFailureHandler create(KafkaConnectorIncomingConfiguration config, Vertx vertx, KafkaConsumer<?, ?> consumer,
            BiConsumer<Throwable, Boolean> reportFailure) {
        KafkaFailureHandler deadLetters = deadLetterQueue.create(config, vertx, consumer, reportFailure);
        return new KafkaFailureHandler() {
            @Override
            public <K, V> Uni<Void> handle(IncomingKafkaRecord<K, V> record, Throwable reason, Metadata metadata) {
                if (InboxStoppingException.isStopping(reason)) {
                    LOG.debugf("%s-%d offset %d held for the restart: %s", record.getTopic(), record.getPartition(),
                            record.getOffset(), reason.getMessage());
                    return Uni.createFrom().voidItem();
                }
                return deadLetters.handle(record, reason, metadata);
            }

            @Override
            public void terminate() {
                deadLetters.terminate();
            }
        };
    }
}
