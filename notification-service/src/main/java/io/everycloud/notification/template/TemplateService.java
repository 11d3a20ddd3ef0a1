package io.everycloud.notification.template;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.everycloud.events.EventJson;
import io.everycloud.kit.config.EveryCloudConfig;
import io.everycloud.kit.problem.Problem;
import io.everycloud.kit.problem.ProblemException;
import io.everycloud.notification.branding.Branding;
import io.everycloud.notification.branding.BrandingService;
import io.quarkus.qute.RawString;
import io.quarkus.qute.TemplateException;

/**
 * The templates and globals the oem edits, their checks, and rendering an email from them with
 * the branding in force. Rendering order: globals (may use branding), then the type's variables
 * (may use branding, globals and the trigger's data), then subject, HTML and text (may use all).
 */
@ApplicationScoped
public class TemplateService {

    public static final int MAX_SUBJECT = 1000;
    public static final int MAX_HTML = 256 * 1024;
    public static final int MAX_TEXT = 128 * 1024;
    public static final int MAX_VARIABLES = 100;
    public static final int MAX_VARIABLE_VALUE = 16 * 1024;
    /** Longest subject line sent (RFC 5322 line limit). */
    private static final int SUBJECT_LINE = 998;
    private static final ObjectMapper JSON = EventJson.mapper();
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {
    };

    @Inject
    TemplateEngine engine;

    @Inject
    BrandingService branding;

    @Inject
    EveryCloudConfig everycloud;

    /** The template in force for a type: the oem's, or the default. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public TemplateDefinition definition(EmailType type) {
        EmailTemplate row = EmailTemplate.findById(type.id());
        return row == null ? DefaultTemplates.of(type) : toDefinition(row);
    }

    /** Whether the oem edited the type (else it uses the default). */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Map<EmailType, Instant> customized() {
        Map<EmailType, Instant> out = new LinkedHashMap<>();
        for (EmailTemplate row : EmailTemplate.<EmailTemplate>listAll()) {
            EmailType.byId(row.type).ifPresent(t -> out.put(t, row.updatedAt));
        }
        return out;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Map<String, String> globals() {
        Map<String, String> out = new TreeMap<>();
        for (TemplateGlobal g : TemplateGlobal.<TemplateGlobal>listAll()) {
            out.put(g.name, g.value);
        }
        return out;
    }

    /** Checks and stores a type's template; 400 naming each bad field with its line and reason. */
    @Transactional
    public TemplateDefinition save(EmailType type, TemplateDefinition requested) {
        TemplateDefinition definition = normalize(requested);
        List<Problem.FieldError> errors = check(type, definition, globals(), "");
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        EmailTemplate row = EmailTemplate.findById(type.id());
        if (row == null) {
            row = new EmailTemplate();
            row.type = type.id();
        }
        row.subject = definition.subject();
        row.html = definition.html();
        row.text = definition.text();
        row.variables = write(definition.variables());
        row.enabled = definition.enabled();
        row.updatedAt = Instant.now();
        row.persist();
        return definition;
    }

    /** Back to the built-in template. */
    @Transactional
    public void reset(EmailType type) {
        EmailTemplate.deleteById(type.id());
    }

    /** Replaces the globals; refused when a value does not check or a template would lose a name it uses. */
    @Transactional
    public Map<String, String> saveGlobals(Map<String, String> requested) {
        Map<String, String> globals = new TreeMap<>();
        List<Problem.FieldError> errors = new ArrayList<>();
        if (requested.size() > MAX_VARIABLES) {
            throw ProblemException.badRequest("globals", "at most " + MAX_VARIABLES + " globals");
        }
        Set<String> brandingNames = new HashSet<>(Branding.VARIABLES);
        requested.forEach((key, value) -> {
            String name = TemplateEngine.variableName(key);
            String field = "globals." + key;
            if (!TemplateEngine.isValidName(name)) {
                errors.add(new Problem.FieldError(field, "a name is 1-64 letters, digits or _, not starting with a digit"));
            } else if (reservedNames().contains(name)) {
                errors.add(new Problem.FieldError(field, "'" + name + "' is a built-in variable"));
            } else if (value == null || value.length() > MAX_VARIABLE_VALUE) {
                errors.add(new Problem.FieldError(field, "must be a text of at most " + MAX_VARIABLE_VALUE + " characters"));
            } else if (globals.put(name, value) != null) {
                errors.add(new Problem.FieldError(field, "'" + name + "' is given twice"));
            } else {
                errors.addAll(engine.check(field, value, false, brandingNames));
            }
        });
        if (errors.isEmpty()) {
            for (EmailType type : EmailType.values()) {
                for (Problem.FieldError e : check(type, definition(type), globals, type.id() + ".")) {
                    errors.add(new Problem.FieldError("globals", "the template " + type.id() + " would break: "
                            + e.field().substring(type.id().length() + 1) + " " + e.message()));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        TemplateGlobal.deleteAll();
        Instant now = Instant.now();
        globals.forEach((name, value) -> {
            TemplateGlobal g = new TemplateGlobal();
            g.name = name;
            g.value = value;
            g.updatedAt = now;
            g.persist();
        });
        return globals;
    }

    /** Renders an email of a type with the template, globals and branding in force. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public RenderedEmail render(EmailType type, Map<String, Object> data) {
        return render(definition(type), globals(), data);
    }

    /** Renders with the given template (a preview of unsaved text), the globals and branding in force. */
    public RenderedEmail render(TemplateDefinition definition, Map<String, String> globals, Map<String, Object> data) {
        return render(definition, globals, brandingVariables(), data);
    }

    /** The branding in force as template variables (read once for many emails of one event). */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Map<String, Object> brandingVariables() {
        return branding.current().variables(everycloud.publicUrl(), everycloud.productId());
    }

    /** Renders with everything given: the template, globals, branding variables and the trigger's data. */
    public RenderedEmail render(TemplateDefinition definition, Map<String, String> globals, Map<String, Object> brandingVariables,
            Map<String, Object> data) {
        Map<String, Object> base = new LinkedHashMap<>(brandingVariables);
        base.putAll(data);
        Map<String, Object> text = withVariables(base, globals, definition.variables(), false);
        Map<String, Object> html = withVariables(base, globals, definition.variables(), true);
        String subject = render("subject", definition.subject(), false, text).replaceAll("\\s+", " ").strip();
        if (subject.length() > SUBJECT_LINE) {
            subject = subject.substring(0, SUBJECT_LINE);
        }
        String body = render("html", definition.html(), true, html);
        String plain = definition.text() == null ? HtmlText.of(body) : render("text", definition.text(), false, text);
        return new RenderedEmail(subject, body, plain);
    }

    /** Checks one type's template against the names it may use; fields are prefixed with {@code prefix}. */
    List<Problem.FieldError> check(EmailType type, TemplateDefinition definition, Map<String, String> globals, String prefix) {
        List<Problem.FieldError> errors = new ArrayList<>();
        if (definition.subject() == null || definition.subject().isBlank()) {
            errors.add(new Problem.FieldError(prefix + "subject", "is required"));
        } else if (definition.subject().length() > MAX_SUBJECT) {
            errors.add(new Problem.FieldError(prefix + "subject", "at most " + MAX_SUBJECT + " characters"));
        }
        if (definition.html() == null || definition.html().isBlank()) {
            errors.add(new Problem.FieldError(prefix + "html", "is required"));
        } else if (definition.html().length() > MAX_HTML) {
            errors.add(new Problem.FieldError(prefix + "html", "at most " + MAX_HTML + " characters"));
        }
        if (definition.text() != null && definition.text().length() > MAX_TEXT) {
            errors.add(new Problem.FieldError(prefix + "text", "at most " + MAX_TEXT + " characters"));
        }
        if (definition.variables().size() > MAX_VARIABLES) {
            errors.add(new Problem.FieldError(prefix + "variables", "at most " + MAX_VARIABLES + " variables"));
        }
        if (!errors.isEmpty()) {
            return errors;
        }
        Set<String> known = new HashSet<>(Branding.VARIABLES);
        known.addAll(type.samples().keySet());
        known.addAll(globals.keySet());
        definition.variables().forEach((name, value) -> {
            String field = prefix + "variables." + name;
            if (!TemplateEngine.isValidName(name)) {
                errors.add(new Problem.FieldError(field, "a name is 1-64 letters, digits or _, not starting with a digit"));
            } else if (reservedNames().contains(name)) {
                errors.add(new Problem.FieldError(field, "'" + name + "' is a built-in variable"));
            } else if (value == null || value.length() > MAX_VARIABLE_VALUE) {
                errors.add(new Problem.FieldError(field, "must be a text of at most " + MAX_VARIABLE_VALUE + " characters"));
            } else {
                errors.addAll(engine.check(field, value, false, known));
            }
        });
        known.addAll(definition.variables().keySet());
        errors.addAll(engine.check(prefix + "subject", definition.subject(), false, known));
        errors.addAll(engine.check(prefix + "html", definition.html(), true, known));
        if (definition.text() != null) {
            errors.addAll(engine.check(prefix + "text", definition.text(), false, known));
        }
        if (errors.isEmpty()) {
            // What the names cannot show (a property a value does not have, say) shows when rendering the samples.
            try {
                render(definition, globals, type.samples());
            } catch (RenderException e) {
                errors.add(new Problem.FieldError(prefix + e.field(), e.reason()));
            }
        }
        return errors;
    }

    /** Names of the branding and of every trigger's data; globals and variables may not take them. */
    static Set<String> reservedNames() {
        Set<String> names = new HashSet<>(Branding.VARIABLES);
        for (EmailType t : EmailType.values()) {
            names.addAll(t.samples().keySet());
        }
        names.add("it");
        return names;
    }

    private Map<String, Object> withVariables(Map<String, Object> base, Map<String, String> globals,
            Map<String, String> variables, boolean html) {
        Map<String, Object> data = new LinkedHashMap<>(base);
        Map<String, Object> forGlobals = new LinkedHashMap<>(base);
        globals.forEach((name, value) -> data.put(name, markup(render("globals." + name, value, html, forGlobals), html)));
        Map<String, Object> forVariables = new LinkedHashMap<>(data);
        variables.forEach((name, value) -> data.put(name, markup(render("variables." + name, value, html, forVariables), html)));
        return data;
    }

    /** Variables and globals are the oem's markup: once rendered (with escaped values), they are not escaped again. */
    private static Object markup(String rendered, boolean html) {
        return html ? new RawString(rendered) : rendered;
    }

    private String render(String field, String source, boolean html, Map<String, Object> data) {
        try {
            return engine.render(source, html, data);
        } catch (TemplateException e) {
            throw new RenderException(field, TemplateEngine.describe(e));
        } catch (RuntimeException e) {
            throw new RenderException(field, "cannot be rendered: " + e.getMessage());
        }
    }

    private static TemplateDefinition normalize(TemplateDefinition d) {
        Map<String, String> variables = new LinkedHashMap<>();
        d.variables().forEach((k, v) -> variables.put(TemplateEngine.variableName(k), v));
        String text = d.text() == null || d.text().isBlank() ? null : d.text();
        return new TemplateDefinition(d.subject(), d.html(), text, variables, d.enabled());
    }

    private static TemplateDefinition toDefinition(EmailTemplate row) {
        try {
            return new TemplateDefinition(row.subject, row.html, row.text, JSON.readValue(row.variables, STRING_MAP), row.enabled);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored variables of " + row.type + " are not JSON", e);
        }
    }

    private static String write(Map<String, String> variables) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(variables));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
