package io.everycloud.firmware.packages;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.everycloud.kit.problem.Problem.FieldError;

/**
 * The seed's metadata file ({@code package_*.json}): {@code author}, {@code product} and the
 * Exosite {@code config_otau} message {@code {version, name, description, type, payload}}.
 */
public record PackageMetadata(String fileName, String author, String product, String version, String name,
        String description, String type, JsonNode payload) {

    public static final Set<String> TYPES = Set.of("FILE", "JSON", "URL_LIST");
    static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+~-]{0,63}");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Reads and checks the metadata file; every problem found is added to {@code errors} with the
     * field it concerns ({@code metadata}, {@code metadata.product}, {@code metadata.config_otau.type}, ...).
     * Returns null when the file cannot be read at all.
     */
    public static PackageMetadata read(String fileName, java.nio.file.Path file, int maxBytes, String productId,
            List<FieldError> errors) {
        if (file == null) {
            errors.add(new FieldError("metadata", "is required: the package_<name>.json metadata file"));
            return null;
        }
        if (fileName == null || !fileName.startsWith("package_") || !fileName.endsWith(".json")) {
            errors.add(new FieldError("metadata", "the file name must start with package_ and end with .json (got "
                    + (fileName == null ? "no file name" : "'" + fileName + "'") + ")"));
        }
        JsonNode root;
        try {
            if (Files.size(file) > maxBytes) {
                errors.add(new FieldError("metadata", "is larger than " + maxBytes + " bytes"));
                return null;
            }
            try (InputStream in = Files.newInputStream(file)) {
                root = JSON.readTree(in);
            }
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            errors.add(new FieldError("metadata", "is not valid JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")));
            return null;
        } catch (IOException e) {
            errors.add(new FieldError("metadata", "could not be read"));
            return null;
        }
        return check(fileName, root, productId, errors, "metadata.");
    }

    static PackageMetadata check(String fileName, JsonNode root, String productId, List<FieldError> errors, String prefix) {
        if (root == null || !root.isObject()) {
            errors.add(new FieldError(prefix.isEmpty() ? "body" : prefix.substring(0, prefix.length() - 1),
                    "must be a JSON object with author, product and config_otau"));
            return null;
        }
        String author = text(root, "author", prefix, false, 200, errors);
        String product = text(root, "product", prefix, true, 200, errors);
        if (product != null && !product.equals(productId)) {
            errors.add(new FieldError(prefix + "product", "must be this connector's product id '" + productId
                    + "' (got '" + product + "')"));
        }
        JsonNode otau = root.get("config_otau");
        if (otau == null || !otau.isObject()) {
            errors.add(new FieldError(prefix + "config_otau", "is required: an object with version, name, description, type and payload"));
            return null;
        }
        List<FieldError> before = new ArrayList<>(errors);
        Otau parsed = checkOtau(otau, prefix + "config_otau.", errors);
        if (parsed == null || errors.size() > before.size()) {
            return null;
        }
        return new PackageMetadata(fileName, author, product, parsed.version, parsed.name, parsed.description, parsed.type,
                parsed.payload);
    }

    /** A checked config_otau message. */
    record Otau(String version, String name, String description, String type, JsonNode payload) {
    }

    static Otau checkOtau(JsonNode otau, String prefix, List<FieldError> errors) {
        int count = errors.size();
        String version = text(otau, "version", prefix, true, 64, errors);
        if (version != null && !VERSION.matcher(version).matches()) {
            errors.add(new FieldError(prefix + "version",
                    "must be 1-64 characters: letters, digits and . _ + ~ - (starting with a letter or digit)"));
        }
        String name = text(otau, "name", prefix, false, 200, errors);
        String description = text(otau, "description", prefix, false, 2000, errors);
        String type = text(otau, "type", prefix, true, 20, errors);
        JsonNode payload = otau.get("payload");
        if (type != null && !TYPES.contains(type)) {
            errors.add(new FieldError(prefix + "type", "must be one of FILE, JSON, URL_LIST (got '" + type + "')"));
        } else if (type != null) {
            checkPayload(type, payload, prefix + "payload", errors);
        }
        return errors.size() == count ? new Otau(version, name, description, type, payload) : null;
    }

    private static void checkPayload(String type, JsonNode payload, String field, List<FieldError> errors) {
        switch (type) {
            case "FILE" -> {
                if (payload == null || !payload.isTextual() || payload.asText().isBlank()) {
                    errors.add(new FieldError(field, "for type FILE must be the file name (a non-empty string)"));
                }
            }
            case "JSON" -> {
                if (payload == null || !payload.isObject()) {
                    errors.add(new FieldError(field, "for type JSON must be a JSON object"));
                }
            }
            case "URL_LIST" -> {
                if (payload == null || !payload.isArray()) {
                    errors.add(new FieldError(field, "for type URL_LIST must be an array of http(s) URLs"));
                    return;
                }
                for (int i = 0; i < payload.size(); i++) {
                    JsonNode url = payload.get(i);
                    if (!url.isTextual() || !isHttpUrl(url.asText())) {
                        errors.add(new FieldError(field + "[" + i + "]", "must be an absolute http or https URL"));
                    }
                }
            }
            default -> throw new IllegalArgumentException(type);
        }
    }

    private static boolean isHttpUrl(String text) {
        try {
            URI uri = new URI(text);
            return uri.isAbsolute() && uri.getHost() != null
                    && ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static String text(JsonNode node, String name, String prefix, boolean required, int max, List<FieldError> errors) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            if (required) {
                errors.add(new FieldError(prefix + name, "is required"));
            }
            return null;
        }
        if (!value.isTextual()) {
            errors.add(new FieldError(prefix + name, "must be a string"));
            return null;
        }
        String text = value.asText().trim();
        if (required && text.isEmpty()) {
            errors.add(new FieldError(prefix + name, "must not be empty"));
            return null;
        }
        if (text.length() > max) {
            errors.add(new FieldError(prefix + name, "must be at most " + max + " characters"));
            return null;
        }
        return text;
    }
}
