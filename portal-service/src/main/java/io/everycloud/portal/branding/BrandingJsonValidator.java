package io.everycloud.portal.branding;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import io.everycloud.kit.problem.Problem;
import io.everycloud.kit.problem.ProblemException;

/**
 * Checks an uploaded branding.json against {@code branding/branding.schema.json} (the seed's
 * fields). Every refusal names the field, e.g. {@code theme.primary}; a body that is not JSON
 * names the file.
 */
@ApplicationScoped
public class BrandingJsonValidator {

    static final String SCHEMA_RESOURCE = "branding/branding.schema.json";
    private static final String FILE = BrandingFile.BRANDING_JSON.fileName();

    private final ObjectMapper mapper = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final JsonSchema schema;
    private final byte[] schemaBytes;

    public BrandingJsonValidator() {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(SCHEMA_RESOURCE)) {
            schemaBytes = in.readAllBytes();
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("the branding schema is missing from the service", e);
        }
        schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(new String(schemaBytes, StandardCharsets.UTF_8));
    }

    /** The schema document, served at {@code /vendor/branding.schema.json} for operators' editors. */
    public byte[] schemaBytes() {
        return schemaBytes.clone();
    }

    /** Parses and validates; answers the document or throws a 400 naming each bad field. */
    public JsonNode validate(byte[] content) {
        JsonNode document = parse(content);
        Set<ValidationMessage> messages = schema.validate(document);
        if (!messages.isEmpty()) {
            List<Problem.FieldError> errors = new ArrayList<>();
            for (ValidationMessage message : messages) {
                errors.add(toFieldError(message));
            }
            errors.sort(Comparator.comparing(Problem.FieldError::field).thenComparing(Problem.FieldError::message));
            throw ProblemException.invalid(errors.stream().distinct().toList());
        }
        return document;
    }

    private JsonNode parse(byte[] content) {
        if (content.length == 0) {
            throw ProblemException.badRequest(FILE, "is empty; upload a JSON object with the branding fields");
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(content));
        } catch (CharacterCodingException e) {
            throw ProblemException.badRequest(FILE, "is not UTF-8 text");
        }
        try {
            return mapper.readTree(content);
        } catch (JsonParseException e) {
            var at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            String reason = e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")
                    ? e.getOriginalMessage() : "is not valid JSON";
            throw ProblemException.badRequest(FILE, reason + where);
        } catch (JsonProcessingException e) {
            throw ProblemException.badRequest(FILE, "is not valid JSON");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Problem.FieldError toFieldError(ValidationMessage message) {
        String location = fieldOf(message.getInstanceLocation().toString());
        String type = message.getType();
        String property = message.getProperty();
        String field = location;
        String text;
        switch (type) {
            case "required" -> {
                field = join(location, property);
                text = "is required";
            }
            case "additionalProperties" -> {
                field = join(location, property);
                text = "is not a branding field";
            }
            case "pattern" -> text = location.startsWith("theme.")
                    ? "must be a colour written #RRGGBB, e.g. #2C9DB6"
                    : "must be empty, an http:// or https:// URL, or a mailto: address";
            case "enum" -> text = "must be \"dark\" or \"light\"";
            default -> text = stripLocation(message);
        }
        return new Problem.FieldError(field.isEmpty() ? FILE : field, text);
    }

    private static String fieldOf(String instanceLocation) {
        String path = instanceLocation.startsWith("$") ? instanceLocation.substring(1) : instanceLocation;
        return path.startsWith(".") ? path.substring(1) : path;
    }

    private static String join(String base, String property) {
        if (property == null || property.isEmpty()) {
            return base;
        }
        return base.isEmpty() ? property : base + "." + property;
    }

    private static String stripLocation(ValidationMessage message) {
        String text = message.getMessage();
        String prefix = message.getInstanceLocation().toString() + ": ";
        return text.startsWith(prefix) ? text.substring(prefix.length()) : text;
    }
}
