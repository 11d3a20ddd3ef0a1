package io.everycloud.notification.template;

import java.util.Map;

/** One email type's template: Qute (or seed) text for the subject, HTML and text bodies, and its own variables. */
public record TemplateDefinition(String subject, String html, String text, Map<String, String> variables, boolean enabled) {

    public TemplateDefinition {
        variables = variables == null ? Map.of() : Map.copyOf(variables);
    }
}
