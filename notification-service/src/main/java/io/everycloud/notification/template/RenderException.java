package io.everycloud.notification.template;

/** A template failed while rendering; {@code field} says which part (subject, html, text, variables.X, globals.X). */
public class RenderException extends RuntimeException {

    private final String field;

    public RenderException(String field, String message) {
        super(field + ": " + message, null, false, false);
        this.field = field;
    }

    public String field() {
        return field;
    }

    public String reason() {
        return getMessage().substring(field.length() + 2);
    }
}
