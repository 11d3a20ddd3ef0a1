package io.everycloud.notification.template;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/** Requests and views of the template API. */
public final class TemplateViews {

    /** A type in the list. */
    public record TemplateSummary(String type, String subject, boolean enabled, boolean customized, Instant updatedAt) {
    }

    /** One type's template and what it may use. */
    public record TemplateView(String type, String subject, String html, String text, Map<String, String> variables,
            boolean enabled, boolean customized, Instant updatedAt, List<String> dataVariables, List<String> brandingVariables,
            List<String> globals) {
    }

    /** {@code PUT /api/templates/{type}}; {@code text} is made from the HTML when absent; {@code enabled} keeps its value when absent. */
    public record TemplateRequest(String subject, String html, String text, Map<String, String> variables, Boolean enabled) {
    }

    /** {@code GET|PUT /api/templates/globals}: name → value (the seed's {@code <%%NAME%%>} names are accepted). */
    public record GlobalsBody(Map<String, String> globals) {
    }

    /** {@code POST /api/templates/{type}/preview}: data over the samples, and optionally an unsaved template. */
    public record PreviewRequest(Map<String, JsonNode> data, TemplateRequest template) {
    }

    public record PreviewView(String subject, String html, String text) {
    }

    private TemplateViews() {
    }
}
