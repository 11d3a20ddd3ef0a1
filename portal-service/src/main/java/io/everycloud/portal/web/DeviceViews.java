package io.everycloud.portal.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/** The registry's and firmware-service's answers (API.md shapes) as the device pages show them. */
final class DeviceViews {

    /** One tag and its values. */
    record Tag(String name, List<String> values) {
        public String joined() {
            return String.join(", ", values);
        }
    }

    /** A resource's latest value. */
    record Resource(String alias, String value, String updatedAt) {
    }

    /** A device in the list and on its page. */
    record Device(String identity, String status, String lastSeenAt, String activatedAt, List<Tag> tags,
            List<Resource> resources) {
    }

    /**
     * Firmware of one device: versions, OTA state and history, and the versions the maker offers the
     * owner ("ask owners" rollouts, to install or decline); {@code error} when firmware-service could not answer.
     */
    record Firmware(String installedVersion, String state, List<String> available, List<String> offered, List<String> history,
            String error) {
        public String installedOrUnknown() {
            return installedVersion.isEmpty() ? "unknown" : installedVersion;
        }

        public boolean hasAvailable() {
            return !available.isEmpty();
        }

        public boolean hasOffers() {
            return !offered.isEmpty();
        }
    }

    /** Longest resource value shown on a device page, in characters. */
    static final int MAX_SHOWN_VALUE = 500;

    /** Tags the page does not show: the internals of ownership and routing. */
    private static final List<String> HIDDEN_TAGS = List.of("users", "apps", "claim_code", "expires");

    static Device device(JsonNode node) {
        List<Tag> tags = new ArrayList<>();
        for (Map.Entry<String, JsonNode> tag : iterable(node.path("tags"))) {
            if (HIDDEN_TAGS.contains(tag.getKey()) || tag.getKey().startsWith("app:")) {
                continue;
            }
            List<String> values = new ArrayList<>();
            tag.getValue().forEach(v -> values.add(v.asText()));
            tags.add(new Tag(tag.getKey(), values));
        }
        List<Resource> resources = new ArrayList<>();
        for (Map.Entry<String, JsonNode> resource : iterable(node.path("resources"))) {
            JsonNode value = resource.getValue().path("value");
            String text = value.isTextual() ? value.asText() : value.toString();
            // Values may be up to 1 MiB; the page shows the start, enough to read the latest state.
            if (text.length() > MAX_SHOWN_VALUE) {
                text = text.substring(0, MAX_SHOWN_VALUE) + "…";
            }
            resources.add(new Resource(resource.getKey(), text,
                    resource.getValue().path("updatedAt").asText("")));
        }
        return new Device(node.path("identity").asText(), node.path("status").asText(""),
                node.path("lastSeenAt").asText(""), node.path("activatedAt").asText(""), tags, resources);
    }

    static List<Device> devices(JsonNode page) {
        List<Device> devices = new ArrayList<>();
        page.path("items").forEach(item -> devices.add(device(item)));
        return devices;
    }

    static Firmware firmware(JsonNode node) {
        List<String> available = new ArrayList<>();
        node.path("available").forEach(v -> available.add(v.isObject() ? v.path("version").asText() : v.asText()));
        List<String> offered = new ArrayList<>();
        node.path("offers").forEach(o -> {
            String version = o.path("version").asText("");
            if (!version.isEmpty() && !offered.contains(version)) {
                offered.add(version);
            }
        });
        List<String> history = new ArrayList<>();
        node.path("history").forEach(h -> history.add(h.isObject() ? describe(h) : h.asText()));
        return new Firmware(node.path("installedVersion").asText(""), node.path("state").asText(""), available, offered, history,
                null);
    }

    static Firmware unavailable(String error) {
        return new Firmware("", "", List.of(), List.of(), List.of(), error);
    }

    private static String describe(JsonNode entry) {
        List<String> parts = new ArrayList<>();
        for (String field : List.of("at", "time", "updatedAt", "version", "state", "status", "message")) {
            if (entry.hasNonNull(field)) {
                parts.add(entry.path(field).asText());
            }
        }
        return parts.isEmpty() ? entry.toString() : String.join(" · ", parts);
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode object) {
        return object::fields;
    }

    private DeviceViews() {
    }
}
