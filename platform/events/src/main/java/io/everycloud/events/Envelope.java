package io.everycloud.events;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The envelope every event travels in: a unique id (the inbox deduplicates on it), a versioned
 * type such as {@code device.tags-changed.v1}, the time it happened, the subject (device identity
 * or user id, also the Kafka key) and the type's data.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Envelope(UUID id, String type, Instant time, String subject, JsonNode data) {

    public Envelope {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(data, "data");
    }

    /** Wraps an event record; its type and topic come from the {@link EventCatalog}. */
    public static Envelope of(String subject, Record event) {
        String type = EventCatalog.typeOf(event.getClass());
        return new Envelope(UUID.randomUUID(), type, Instant.now(), subject,
                EventJson.MAPPER.valueToTree(event));
    }

    /** The topic this envelope's type belongs to. */
    public String topic() {
        return EventCatalog.topicOf(type);
    }

    /** Reads the data as the record registered for this envelope's type. */
    public Record payload() {
        return dataAs(EventCatalog.classOf(type));
    }

    public <T> T dataAs(Class<T> type) {
        try {
            return EventJson.MAPPER.treeToValue(data, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event " + id + " of type " + this.type
                    + " has data that does not match " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    public boolean is(Class<? extends Record> eventClass) {
        return type.equals(EventCatalog.typeOf(eventClass));
    }

    public String toJson() {
        return EventJson.write(this);
    }

    public static Envelope fromJson(String json) {
        return EventJson.read(json, Envelope.class);
    }
}
