package io.everycloud.registry.ownership;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;
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

    @Inject
    TagRepository tagRows;

    @Inject
    AgroalDataSource dataSource;

    @Incoming(Channels.CLAIM_OWNERSHIP)
    @Blocking(ordered = true)
    public CompletionStage<Void> onOwnership(KafkaRecordBatch<String, String> batch) {
        return inbox.handleBatchAll(CONSUMER, batch, this::applyAll);
    }

    /**
     * Applies a batch's new events in order, as {@link #apply} one after the other would. A run of
     * claims of distinct devices (the bulk of a claim campaign) is applied set-based: one device
     * lookup, one insert of their {@code users} tags, one read of their tag sets, then their apps
     * and one tags-changed each, in order; anything else (and a device's second event in the run)
     * ends the run and is applied alone.
     */
    void applyAll(List<Envelope> events) {
        Map<String, ClaimEvents.OwnershipClaimed> run = new LinkedHashMap<>();
        for (Envelope envelope : events) {
            if (envelope.is(ClaimEvents.OwnershipClaimed.class)) {
                var claimed = envelope.dataAs(ClaimEvents.OwnershipClaimed.class);
                if (!run.containsKey(claimed.identity())) {
                    run.put(claimed.identity(), claimed);
                    continue;
                }
            }
            applyClaims(run);
            run.clear();
            if (envelope.is(ClaimEvents.OwnershipClaimed.class)) {
                var claimed = envelope.dataAs(ClaimEvents.OwnershipClaimed.class);
                run.put(claimed.identity(), claimed);
            } else {
                apply(envelope);
            }
        }
        applyClaims(run);
    }

    /** Claims of distinct devices, in order: the same changes and announcements as {@link #apply} for each. */
    private void applyClaims(Map<String, ClaimEvents.OwnershipClaimed> claims) {
        if (claims.isEmpty()) {
            return;
        }
        if (claims.size() == 1) {
            ClaimEvents.OwnershipClaimed only = claims.values().iterator().next();
            change(only.identity(), repo -> {
                repo.add(only.identity(), Tags.USERS, List.of(only.userId().toString()));
                repo.add(only.identity(), Tags.APPS, validApps(only.apps()));
            });
            return;
        }
        Set<String> known = devices.existing(claims.keySet());
        List<String[]> users = new ArrayList<>();
        List<String> announced = new ArrayList<>();
        for (ClaimEvents.OwnershipClaimed claimed : claims.values()) {
            if (known.contains(claimed.identity())) {
                users.add(new String[] { claimed.identity(), Tags.USERS, claimed.userId().toString() });
                announced.add(claimed.identity());
            } else {
                // the device was deleted after claim-service decided; nothing to tag
                LOG.infof("ownership event for unknown device %s ignored", claimed.identity());
            }
        }
        try (Connection c = dataSource.getConnection()) {
            tagRows.addAll(c, users);
        } catch (SQLException e) {
            throw new IllegalStateException("could not write tags", e);
        }
        for (ClaimEvents.OwnershipClaimed claimed : claims.values()) {
            if (known.contains(claimed.identity())) {
                tagRows.add(claimed.identity(), Tags.APPS, validApps(claimed.apps()));
            }
        }
        tags.announceAll(announced);
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
