package io.everycloud.registry.tag;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import io.everycloud.events.Envelope;
import io.everycloud.events.RegistryEvents;
import io.everycloud.kit.outbox.Outbox;
import io.everycloud.kit.problem.ProblemException;
import io.everycloud.kit.security.Caller;
import io.everycloud.registry.device.DeviceAccess;

/**
 * Changes device tags and announces the full set after each change
 * ({@code device.tags-changed.v1}) in the same transaction.
 */
@ApplicationScoped
public class TagService {

    @Inject
    TagRepository tags;

    @Inject
    Tags rules;

    @Inject
    DeviceAccess access;

    @Inject
    Outbox outbox;

    public Map<String, List<String>> read(Caller caller, String identity) {
        access.visible(caller, identity);
        return tags.tagsOf(identity);
    }

    /** Replaces a tag's values ({@code PUT /api/devices/{identity}/tags/{name}}). */
    @Transactional
    public Map<String, List<String>> put(Caller caller, String identity, String name, List<String> values) {
        access.visible(caller, identity);
        rules.requireName("name", name);
        mayWrite(caller, name);
        List<String> checked = rules.requireValues("values", name, values);
        return change(identity, repo -> repo.replace(identity, name, checked));
    }

    /** Removes a tag, or one of its values ({@code DELETE /api/devices/{identity}/tags/{name}[?value=]}). */
    @Transactional
    public Map<String, List<String>> delete(Caller caller, String identity, String name, String value) {
        access.visible(caller, identity);
        rules.requireName("name", name);
        mayWrite(caller, name);
        if (tags.remove(identity, name, value) == 0) {
            throw ProblemException.notFound("device " + identity + " has no tag " + name
                    + (value == null ? "" : " with value " + value));
        }
        return announce(identity);
    }

    /** Applies a change inside the caller's transaction and announces the full tag set. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Map<String, List<String>> change(String identity, Consumer<TagRepository> mutation) {
        mutation.accept(tags);
        return announce(identity);
    }

    /**
     * Inside the caller's transaction, announces the full tag set of each device, in this order,
     * reading them in one query (a batch of changes already written) and writing the events in one
     * statement (packed: one outbox row, still one Kafka record per device).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void announceAll(List<String> identities) {
        Map<String, Map<String, List<String>>> full = tags.tagsOf(identities);
        List<Envelope> events = new ArrayList<>(identities.size());
        for (String identity : identities) {
            events.add(Envelope.of(identity, new RegistryEvents.DeviceTagsChanged(identity, full.getOrDefault(identity, new TreeMap<>()))));
        }
        outbox.publishAll(events);
    }

    private Map<String, List<String>> announce(String identity) {
        Map<String, List<String>> full = tags.tagsOf(identity);
        outbox.publish(identity, new RegistryEvents.DeviceTagsChanged(identity, full));
        return full;
    }

    /** oem writes any tag; an app only its own {@code app:<appId>:<name>} tags; users none. */
    private static void mayWrite(Caller caller, String name) {
        if (caller.isOem()) {
            return;
        }
        if (caller.isApp() && caller.id().equals(Tags.appOf(name))) {
            return;
        }
        throw ProblemException.forbidden(caller.isApp() ? "an app may write only its own app:<appId>:<name> tags"
                : "only the OEM changes device tags");
    }
}
