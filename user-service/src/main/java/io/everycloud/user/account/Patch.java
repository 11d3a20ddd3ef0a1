package io.everycloud.user.account;

import com.fasterxml.jackson.databind.JsonNode;

import io.everycloud.kit.problem.ProblemException;

/** A JSON merge-patch body: a field left out stays as it is, a field set to null is cleared. */
public final class Patch {

    private final JsonNode body;

    private Patch(JsonNode body) {
        this.body = body;
    }

    public static Patch of(JsonNode body) {
        if (body == null || body.isNull()) {
            throw ProblemException.badRequest("body", "is required");
        }
        if (!body.isObject()) {
            throw ProblemException.badRequest("body", "must be a JSON object");
        }
        return new Patch(body);
    }

    public boolean has(String field) {
        return body.has(field);
    }

    /** The field's text, null when it is null; a 400 naming it when it is not a string. */
    public String text(String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw ProblemException.badRequest(field, "must be a string");
        }
        return value.asText();
    }
}
