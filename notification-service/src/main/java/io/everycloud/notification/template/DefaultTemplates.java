package io.everycloud.notification.template;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;

/**
 * The built-in templates (resources {@code email-defaults/}): one layout with the branding's
 * logo and colours around each type's content, a text body and a subject per type.
 */
public final class DefaultTemplates {

    private static final Map<EmailType, TemplateDefinition> DEFAULTS = new EnumMap<>(EmailType.class);

    static {
        String layout = read("layout.html");
        String footer = read("footer.html").strip();
        Properties subjects = new Properties();
        try {
            subjects.load(new StringReader(read("subjects.properties")));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        for (EmailType type : EmailType.values()) {
            String html = layout.replace("<!--CONTENT-->", read(type.id() + ".html").strip());
            DEFAULTS.put(type, new TemplateDefinition(subjects.getProperty(type.id()), html, read(type.id() + ".txt"),
                    Map.of("footer", footer), type.enabledByDefault()));
        }
    }

    public static TemplateDefinition of(EmailType type) {
        return DEFAULTS.get(type);
    }

    private static String read(String name) {
        try (InputStream in = DefaultTemplates.class.getClassLoader().getResourceAsStream("email-defaults/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing default template email-defaults/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read email-defaults/" + name, e);
        }
    }

    private DefaultTemplates() {
    }
}
