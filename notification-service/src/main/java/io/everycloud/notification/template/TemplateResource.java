package io.everycloud.notification.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import com.fasterxml.jackson.databind.JsonNode;

import io.everycloud.kit.page.Page;
import io.everycloud.kit.problem.Problem;
import io.everycloud.kit.problem.ProblemException;
import io.everycloud.kit.security.Roles;
import io.everycloud.notification.branding.Branding;
import io.everycloud.notification.template.TemplateViews.GlobalsBody;
import io.everycloud.notification.template.TemplateViews.PreviewRequest;
import io.everycloud.notification.template.TemplateViews.PreviewView;
import io.everycloud.notification.template.TemplateViews.TemplateRequest;
import io.everycloud.notification.template.TemplateViews.TemplateSummary;
import io.everycloud.notification.template.TemplateViews.TemplateView;

/** The oem edits email templates and globals, and previews them. */
@Path("/api/templates")
@RolesAllowed(Roles.OEM)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class TemplateResource {

    @Inject
    TemplateService templates;

    @GET
    public Page<TemplateSummary> list() {
        var customized = templates.customized();
        List<TemplateSummary> items = new ArrayList<>();
        for (EmailType type : EmailType.values()) {
            TemplateDefinition d = templates.definition(type);
            items.add(new TemplateSummary(type.id(), d.subject(), d.enabled(), customized.containsKey(type), customized.get(type)));
        }
        // A handful of types: always one page.
        return new Page<>(items, null);
    }

    @GET
    @Path("/globals")
    public GlobalsBody globals() {
        return new GlobalsBody(templates.globals());
    }

    @PUT
    @Path("/globals")
    public GlobalsBody saveGlobals(GlobalsBody body) {
        if (body == null || body.globals() == null) {
            throw ProblemException.badRequest("globals", "is required (an object of name → value)");
        }
        return new GlobalsBody(templates.saveGlobals(body.globals()));
    }

    @GET
    @Path("/{type}")
    public TemplateView get(@PathParam("type") String typeId) {
        EmailType type = type(typeId);
        return view(type);
    }

    @PUT
    @Path("/{type}")
    public TemplateView save(@PathParam("type") String typeId, TemplateRequest body) {
        EmailType type = type(typeId);
        if (body == null) {
            throw ProblemException.badRequest("body", "is required: {subject, html, text?, variables?, enabled?}");
        }
        boolean enabled = body.enabled() != null ? body.enabled() : templates.definition(type).enabled();
        templates.save(type, new TemplateDefinition(body.subject(), body.html(), body.text(), body.variables(), enabled));
        return view(type);
    }

    /** Back to the built-in template. */
    @DELETE
    @Path("/{type}")
    public TemplateView reset(@PathParam("type") String typeId) {
        EmailType type = type(typeId);
        templates.reset(type);
        return view(type);
    }

    @POST
    @Path("/{type}/preview")
    public PreviewView preview(@PathParam("type") String typeId, PreviewRequest body) {
        EmailType type = type(typeId);
        Map<String, Object> data = new LinkedHashMap<>(type.samples());
        List<Problem.FieldError> errors = new ArrayList<>();
        if (body != null && body.data() != null) {
            body.data().forEach((name, value) -> {
                if (!type.samples().containsKey(name)) {
                    errors.add(new Problem.FieldError("data." + name, "is not a variable of " + type.id() + "; it has "
                            + String.join(", ", type.samples().keySet())));
                } else {
                    data.put(name, plain(value));
                }
            });
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        Map<String, String> globals = templates.globals();
        TemplateDefinition definition = templates.definition(type);
        if (body != null && body.template() != null) {
            TemplateRequest t = body.template();
            definition = new TemplateDefinition(t.subject(), t.html(), t.text(), t.variables(), definition.enabled());
            List<Problem.FieldError> problems = templates.check(type, definition, globals, "template.");
            if (!problems.isEmpty()) {
                throw ProblemException.invalid(problems);
            }
        }
        try {
            RenderedEmail email = templates.render(definition, globals, data);
            return new PreviewView(email.subject(), email.html(), email.text());
        } catch (RenderException e) {
            throw ProblemException.badRequest(e.field(), e.reason());
        }
    }

    private TemplateView view(EmailType type) {
        TemplateDefinition d = templates.definition(type);
        var customized = templates.customized();
        return new TemplateView(type.id(), d.subject(), d.html(), d.text(), new java.util.TreeMap<>(d.variables()), d.enabled(),
                customized.containsKey(type), customized.get(type), List.copyOf(type.samples().keySet()), Branding.VARIABLES,
                List.copyOf(templates.globals().keySet()));
    }

    private static EmailType type(String id) {
        return EmailType.byId(id).orElseThrow(() -> ProblemException.notFound(
                "no email type '" + id + "'; the types are " + String.join(", ", EmailType.ids())));
    }

    /** Preview data as plain values (strings, numbers, booleans, lists, maps), as the triggers give them. */
    private static Object plain(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(n -> list.add(plain(n)));
            return list;
        }
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> map.put(e.getKey(), plain(e.getValue())));
            return map;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isNumber()) {
            return node.numberValue();
        }
        return node.asText();
    }
}
