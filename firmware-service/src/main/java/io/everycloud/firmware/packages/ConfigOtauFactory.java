package io.everycloud.firmware.packages;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.everycloud.firmware.content.ContentUrls;

/**
 * The {@code config_otau} message a device receives for a package: the Exosite fields, with
 * FILE and URL_LIST payloads pointing at a freshly signed download URL of this service, plus
 * {@code sha256}, {@code size} and {@code contentId} as extra fields (Exosite firmware ignores
 * unknown keys; the hash lets a device check what it downloaded).
 */
@ApplicationScoped
public class ConfigOtauFactory {

    @Inject
    ContentUrls urls;

    public ObjectNode forPackage(FirmwarePackage p) {
        ObjectNode otau = JsonNodeFactory.instance.objectNode();
        otau.put("version", p.version());
        otau.put("name", p.name());
        otau.put("description", p.description());
        otau.put("type", p.type());
        String url = urls.signedUrl(p.id());
        switch (p.type()) {
            case "FILE" -> otau.put("payload", url);
            case "URL_LIST" -> {
                ArrayNode list = otau.putArray("payload");
                list.add(url);
                // URLs the metadata listed stay after ours, as mirrors.
                JsonNode given = p.payload();
                if (given != null && given.isArray()) {
                    given.forEach(u -> {
                        if (!u.asText().equals(url)) {
                            list.add(u.asText());
                        }
                    });
                }
            }
            default -> otau.set("payload", p.payload() == null ? JsonNodeFactory.instance.nullNode() : p.payload().deepCopy());
        }
        otau.put("sha256", p.sha256());
        otau.put("size", p.size());
        otau.put("contentId", p.id().toString());
        return otau;
    }
}
