package io.everycloud.kit.inbox;

import java.util.function.BiConsumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
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
 * acknowledged (the kit's commit strategy, {@link CoalescedCommitStrategy}, commits the last acknowledged offset).
 * <p>
 * SmallRye's strategy creates its dead-letter producer when the channel is created; this one creates
 * it at the channel's first dead letter. A channel's records almost never fail, so a service no longer
 * builds and keeps one idle producer per incoming channel (a KafkaProducer, its network thread and
 * buffers): each cost ~0.1 s of the start on the main thread, and notification-service has six
 * channels. A dead-letter topic that cannot be written then shows at the first dead letter (the
 * record is not acknowledged and the channel reports the failure), as a send failure always did.
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
        return new KafkaFailureHandler() {
            private KafkaFailureHandler deadLetters;
            private boolean terminated;

            @Override
            public <K, V> Uni<Void> handle(IncomingKafkaRecord<K, V> record, Throwable reason, Metadata metadata) {
                if (InboxStoppingException.isStopping(reason)) {
                    LOG.debugf("%s-%d offset %d held for the restart: %s", record.getTopic(), record.getPartition(),
                            record.getOffset(), reason.getMessage());
                    return Uni.createFrom().voidItem();
                }
                KafkaFailureHandler ready = created();
                if (ready != null) {
                    return ready.handle(record, reason, metadata);
                }
                // the first dead letter of this channel: SmallRye builds the producer with blocking
                // waits, which the event loop the record may be on must not do; build it on a worker,
                // then hand the record back to the context it came on
                io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
                Uni<KafkaFailureHandler> made = Uni.createFrom().item(this::deadLetters)
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                        .onFailure().invoke(e -> e.addSuppressed(reason));
                if (context != null) {
                    made = made.emitOn(task -> context.runOnContext(ignored -> task.run()));
                }
                return made.chain(handler -> handler.handle(record, reason, metadata));
            }

            private synchronized KafkaFailureHandler created() {
                return deadLetters;
            }

            private synchronized KafkaFailureHandler deadLetters() {
                if (terminated) {
                    throw new IllegalStateException("channel " + config.getChannel() + " is closed: no dead letter is sent");
                }
                if (deadLetters == null) {
                    deadLetters = deadLetterQueue.create(config, vertx, consumer, reportFailure);
                }
                return deadLetters;
            }

            @Override
            public synchronized void terminate() {
                terminated = true;
                if (deadLetters != null) {
                    deadLetters.terminate();
                }
            }
        };
    }
}
