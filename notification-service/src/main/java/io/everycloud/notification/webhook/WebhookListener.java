package io.everycloud.notification.webhook;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.everycloud.events.Envelope;
import io.everycloud.events.EventJson;
import io.everycloud.events.RegistryEvents;
import io.everycloud.kit.inbox.Channels;
import io.everycloud.kit.inbox.Inbox;
import io.everycloud.notification.delivery.Delivery;
import io.smallrye.reactive.messaging.annotations.Blocking;

/** registry.data.v1 → a webhook delivery for the app, when the app registered one. */
@ApplicationScoped
public class WebhookListener {

    /** Event types delivered by webhook (the delivery log's types besides the email types). */
    public static final List<String> TYPES = List.of(RegistryEvents.DataRouted.TYPE);

    @Inject
    Inbox inbox;

    @Inject
    WebhookSender sender;

    @Incoming(Channels.REGISTRY_DATA)
    @Blocking(ordered = true)
    public void onData(String message) {
        if (inbox.handle("notification-webhooks", message, this::apply)) {
            sender.wake();
        }
    }

    void apply(Envelope envelope) {
        if (!envelope.is(RegistryEvents.DataRouted.class)) {
            return;
        }
        RegistryEvents.DataRouted data = envelope.dataAs(RegistryEvents.DataRouted.class);
        if (Webhook.findById(data.appId()) == null) {
            return;
        }
        Delivery row = new Delivery();
        row.id = UUID.randomUUID();
        row.kind = Delivery.WEBHOOK;
        row.type = envelope.type();
        row.recipient = data.appId();
        row.orderingKey = data.identity();
        row.eventId = envelope.id();
        row.status = Delivery.PENDING;
        row.createdAt = Instant.now();
        row.nextAttemptAt = row.createdAt;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("deliveryId", row.id);
        body.put("type", envelope.type());
        body.put("eventId", envelope.id());
        body.put("time", envelope.time());
        body.put("identity", data.identity());
        body.put("appId", data.appId());
        body.put("alias", data.alias());
        body.put("data", data.data());
        body.put("receivedAt", data.receivedAt());
        row.payload = EventJson.write(body);
        row.persist();
    }
}
