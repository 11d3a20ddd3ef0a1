package io.everycloud.firmware.packages;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/** A stored package (a database row); its content is stored under {@link #id()}. */
public record FirmwarePackage(UUID id, long seq, String version, String name, String description, String type,
        JsonNode payload, String author, String product, String metadataName, String fileName, String contentType,
        String sha256, long size, String createdBy, Instant createdAt) {
}
