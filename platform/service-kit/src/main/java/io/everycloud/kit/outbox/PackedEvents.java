package io.everycloud.kit.outbox;

import java.util.ArrayList;
import java.util.List;

/**
 * Several events of one topic in one outbox row, so a transaction that announces many events
 * (a group commit of device writes) stores and marks one row instead of one per event: fewer
 * heap tuples, index entries and WAL in PostgreSQL. The relay still sends one Kafka record per
 * event, with its own key, in the order they were published.
 * <p>
 * The row's {@code payload} is a JSON array with one envelope per line ({@code [\n{...},\n{...}\n]}:
 * readable as {@code payload::jsonb}), its {@code message_key} the events' keys, one per line.
 * A plain row's payload is one envelope, a JSON object: it starts with <code>{</code>, a packed
 * one with {@code [}. Events whose key or JSON holds a line break are never packed (the event
 * JSON the kit writes has none; a key is an identity or id).
 */
final class PackedEvents {

    private PackedEvents() {
    }

    /** An event as the relay sends it: its Kafka key and its envelope's JSON. */
    record Event(String key, String payload) {
    }

    /** Whether these events can share one row. */
    static boolean packable(List<Event> events) {
        if (events.size() < 2) {
            return false;
        }
        for (Event event : events) {
            if (event.key.indexOf('\n') >= 0 || event.payload.indexOf('\n') >= 0 || !event.payload.startsWith("{")) {
                return false;
            }
        }
        return true;
    }

    /** The {@code message_key} of a packed row. */
    static String keys(List<Event> events) {
        StringBuilder keys = new StringBuilder(events.size() * 16);
        for (int i = 0; i < events.size(); i++) {
            if (i > 0) {
                keys.append('\n');
            }
            keys.append(events.get(i).key);
        }
        return keys.toString();
    }

    /** The {@code payload} of a packed row. */
    static String payload(List<Event> events) {
        int length = 4;
        for (Event event : events) {
            length += event.payload.length() + 2;
        }
        StringBuilder payload = new StringBuilder(length).append("[\n");
        for (int i = 0; i < events.size(); i++) {
            if (i > 0) {
                payload.append(",\n");
            }
            payload.append(events.get(i).payload);
        }
        return payload.append("\n]").toString();
    }

    /** The events of a row, plain or packed, in order. */
    static List<Event> unpack(String key, String payload) {
        if (!payload.startsWith("[")) {
            return List.of(new Event(key, payload));
        }
        String[] keys = key.split("\n", -1);
        List<Event> events = new ArrayList<>(keys.length);
        int start = payload.indexOf('\n') + 1;
        for (String k : keys) {
            int end = payload.indexOf('\n', start);
            if (start <= 0 || end < 0) {
                throw new IllegalStateException("packed outbox row with fewer events than its " + keys.length + " keys");
            }
            int last = payload.charAt(end - 1) == ',' ? end - 1 : end;
            events.add(new Event(k, payload.substring(start, last)));
            start = end + 1;
        }
        return events;
    }

    /** How many events a row holds: its keys (SQL over {@code message_key}, without reading the payloads). */
    static final String EVENTS_OF_ROW_SQL = "(1 + length(message_key) - length(replace(message_key, E'\\n', '')))";
}
