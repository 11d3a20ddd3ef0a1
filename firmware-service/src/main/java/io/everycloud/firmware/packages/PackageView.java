package io.everycloud.firmware.packages;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/** A package as the API shows it; {@code contentId} is the id devices use on {@code /provision/download}. */
public record PackageView(UUID id, String version, String name, String description, String type, JsonNode payload,
        String author, String product, String fileName, String contentType, String sha256, long size,
        String contentId, Instant createdAt) {

    static PackageView of(FirmwarePackage p) {
        return new PackageView(p.id(), p.version(), p.name(), p.description(), p.type(), p.payload(), p.author(),
                p.product(), p.fileName(), p.contentType(), p.sha256(), p.size(), p.id().toString(), p.createdAt());
    }
}
