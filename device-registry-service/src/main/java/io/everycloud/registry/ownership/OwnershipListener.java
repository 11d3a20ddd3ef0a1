package io.everycloud.registry.ownership;

import java.util.List;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.everycloud.events.ClaimEvents;
import io.everycloud.events.Envelope;
import io.everycloud.kit.inbox.Channels;
import io.everycloud.kit.inbox.Inbox;
import io.everycloud.registry.device.DeviceRepository;
import io.everycloud.registry.tag.TagRepository;
import io.everycloud.registry.tag.TagService;
import io.everycloud.registry.tag.Tags;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;

/**
 * Applies claim-service's ownership ledger to the {@code users}, {@code apps} and
 * {@code claim_code} tags, once per event (the inbox), announcing the full tag set after each event
 * ({@code device.tags-changed.v1}). Consumed in batches ({@code batch=true}, at most
 * {@code max.poll.records} a poll): the tag changes and announcements of a whole poll commit in one
 * transaction, in the order the events came (the same device twice in a batch: both, in order).
 */
@ApplicationScoped
public class OwnershipListener {

    static final String CONSUMER = "registry-ownership";
    private static final Logger LOG = Logger.getLogger(OwnershipListener.class);

    @Inject
    Inbox inbox;

    @Inject
    TagService tags;

    @Inject
    DeviceRepository devices;

    @Incoming(Channels.CLAIM_OWNERSHIP)
    @Blocking(ordered = true)
    public CompletionStage<Void> onOwnership(KafkaRecordBatch<String, String> batch) {
        return inbox.handleBatch(CONSUMER, batch, this::apply);
    }

    void apply(Envelope envelope) {
        if (envelope.is(ClaimEvents.OwnershipClaimed.class)) {
            var e = envelope.dataAs(ClaimEvents.OwnershipClaimed.class);
            change(e.identity(), repo -> {
                repo.add(e.identity(), Tags.USERS, List.of(e.userId().toString()));
                repo.add(e.identity(), Tags.APPS, validApps(e.apps()));
            });
        } else if (envelope.is(ClaimEvents.OwnershipTransferred.class)) {
            var e = envelope.dataAs(ClaimEvents.OwnershipTransferred.class);
            change(e.identity(), repo -> {
                repo.replace(e.identity(), Tags.USERS, List.of(e.toUserId().toString()));
                repo.add(e.identity(), Tags.APPS, validApps(e.apps()));
            });
        } else if (envelope.is(ClaimEvents.OwnershipReleased.class)) {
            var e = envelope.dataAs(ClaimEvents.OwnershipReleased.class);
            change(e.identity(), repo -> {
                if (e.userId() != null) {
                    repo.remove(e.identity(), Tags.USERS, e.userId().toString());
                }
                // without an owner nobody chose the apps any more
                if (e.userId() == null || repo.values(e.identity(), Tags.USERS).isEmpty()) {
                    repo.remove(e.identity(), Tags.USERS, null);
                    repo.remove(e.identity(), Tags.APPS, null);
                }
            });
        } else if (envelope.is(ClaimEvents.OwnershipReset.class)) {
            var e = envelope.dataAs(ClaimEvents.OwnershipReset.class);
            change(e.identity(), repo -> {
                repo.remove(e.identity(), Tags.USERS, null);
                repo.remove(e.identity(), Tags.APPS, null);
            });
        } else if (envelope.is(ClaimEvents.ClaimCodeSet.class)) {
            var e = envelope.dataAs(ClaimEvents.ClaimCodeSet.class);
            change(e.identity(), repo -> repo.replace(e.identity(), Tags.CLAIM_CODE, List.of(e.claimCode())));
        }
    }

    private void change(String identity, java.util.function.Consumer<TagRepository> mutation) {
        if (devices.find(identity).isEmpty()) {
            // the device was deleted after claim-service decided; nothing to tag
            LOG.infof("ownership event for unknown device %s ignored", identity);
            return;
        }
        tags.change(identity, mutation);
    }

    private static List<String> validApps(List<String> apps) {
        return apps.stream().filter(Tags::validAppId).distinct().toList();
    }
}
