package io.everycloud.notification.template;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import io.everycloud.kit.problem.Problem;
import io.quarkus.qute.Engine;
import io.quarkus.qute.Expression;
import io.quarkus.qute.HtmlEscaper;
import io.quarkus.qute.IfSectionHelper;
import io.quarkus.qute.LoopSectionHelper;
import io.quarkus.qute.SectionBlock;
import io.quarkus.qute.SectionNode;
import io.quarkus.qute.SetSectionHelper;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateException;
import io.quarkus.qute.TemplateNode;
import io.quarkus.qute.ValueResolvers;
import io.quarkus.qute.Variant;
import io.quarkus.qute.WhenSectionHelper;

/**
 * Parses, checks and renders the oem's templates with Qute. The engine is deliberately small:
 * data are maps, lists and strings only (no reflection, no {@code inject:}/{@code config:}
 * namespaces, so a template cannot reach beans or configuration), sections are limited to
 * {@code if}, {@code for}/{@code each}, {@code let}/{@code set} and {@code when}/{@code switch},
 * and rendering is strict (an unknown name fails instead of printing nothing). HTML templates
 * escape every value; variables and globals the oem wrote are inserted as markup.
 */
@ApplicationScoped
public class TemplateEngine {

    /** The seed's placeholders, {@code <%NAME%>}, are the same as Qute's {@code {NAME}}. */
    private static final Pattern SEED_PLACEHOLDER = Pattern.compile("<%\\s*([A-Za-z_][A-Za-z0-9_.]*)\\s*%>");
    /** The seed's definitions of variables, {@code <%%NAME%%>}. */
    private static final Pattern SEED_DEFINITION = Pattern.compile("<%%\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*%%>");
    private static final Set<String> SECTIONS = Set.of("if", "for", "each", "let", "set", "when", "switch", "is", "case",
            "else");
    private static final Variant HTML = Variant.forContentType(Variant.TEXT_HTML);
    private static final Variant TEXT = Variant.forContentType(Variant.TEXT_PLAIN);
    private static final int CACHE_SIZE = 256;

    private final Engine engine = Engine.builder()
            .addSectionHelpers(new IfSectionHelper.Factory(), new LoopSectionHelper.Factory(), new SetSectionHelper.Factory(),
                    new WhenSectionHelper.Factory())
            .addValueResolvers(ValueResolvers.mapResolver(), ValueResolvers.mapperResolver(), ValueResolvers.mapEntryResolver(),
                    ValueResolvers.collectionResolver(), ValueResolvers.listResolver(), ValueResolvers.thisResolver(),
                    ValueResolvers.orResolver(), ValueResolvers.trueResolver(), ValueResolvers.logicalAndResolver(),
                    ValueResolvers.logicalOrResolver(), ValueResolvers.orEmpty(), ValueResolvers.plusResolver(),
                    ValueResolvers.minusResolver(), ValueResolvers.equalsResolver())
            .addResultMapper(new HtmlEscaper(List.of(Variant.TEXT_HTML)))
            .strictRendering(true)
            .removeStandaloneLines(true)
            .build();

    private final Map<String, Template> cache = new ConcurrentHashMap<>();

    /** Rewrites the seed's {@code <%NAME%>} uses into Qute expressions; lines stay where they were. */
    public static String fromSeedSyntax(String source) {
        return source == null ? null : SEED_PLACEHOLDER.matcher(source).replaceAll(m -> Matcher.quoteReplacement("{" + m.group(1) + "}"));
    }

    /** A variable name as the oem wrote it: {@code NAME} or the seed's {@code <%%NAME%%>}. */
    public static String variableName(String key) {
        Matcher m = SEED_DEFINITION.matcher(key == null ? "" : key.strip());
        return m.matches() ? m.group(1) : key == null ? null : key.strip();
    }

    /**
     * The problems of one template text, each naming {@code field} with the line and the reason:
     * it does not parse, uses a name that is not in {@code known}, or a construct that is not allowed.
     */
    public List<Problem.FieldError> check(String field, String source, boolean html, Set<String> known) {
        Template template;
        try {
            template = engine.parse(fromSeedSyntax(source), html ? HTML : TEXT, field);
        } catch (TemplateException e) {
            return List.of(new Problem.FieldError(field, describe(e)));
        }
        Set<String> errors = new LinkedHashSet<>();
        walk(template.getNodes(), Set.of(), known, errors);
        return errors.stream().map(message -> new Problem.FieldError(field, message)).toList();
    }

    /** Renders a template text (seed placeholders allowed); throws {@link TemplateException} for a failure. */
    public String render(String source, boolean html, Map<String, Object> data) {
        String key = (html ? "h:" : "t:") + source;
        Template template = cache.get(key);
        if (template == null) {
            template = engine.parse(fromSeedSyntax(source), html ? HTML : TEXT, html ? "html" : "text");
            if (cache.size() >= CACHE_SIZE) {
                cache.clear();
            }
            cache.put(key, template);
        }
        return template.data(data).render();
    }

    /** "line N: reason" for a Qute failure, without Qute's own prefixes. */
    public static String describe(TemplateException e) {
        String message = e.getMessage() == null ? "cannot be parsed" : e.getMessage();
        // Qute prefixes "Parser error in template [id:line]:" or "Rendering error in template [id:line]:".
        message = message.replaceFirst("^\\w+ error in template \\[[^\\]]*\\]:?\\s*", "");
        message = message.replace("no section helper found for", "this section is not available in emails:");
        message = message.replaceFirst("(?s)\\s*- it's also possible that.*$", "").strip();
        int newline = message.indexOf('\n');
        if (newline > 0) {
            message = message.substring(0, newline).strip();
        }
        int line = e.getOrigin() == null ? 0 : e.getOrigin().getLine();
        return line > 0 ? "line " + line + ": " + message : message;
    }

    private void walk(List<TemplateNode> nodes, Set<String> scope, Set<String> known, Set<String> errors) {
        for (TemplateNode node : nodes) {
            if (node.isExpression()) {
                node.getExpressions().forEach(e -> checkExpression(e, scope, known, errors));
            } else if (node.isSection()) {
                SectionNode section = node.asSection();
                String name = section.getName();
                int line = node.getOrigin().getLine();
                if (!SECTIONS.contains(name)) {
                    errors.add("line " + line + ": the section {#" + name + "} is not allowed in emails");
                    continue;
                }
                for (SectionBlock block : section.getBlocks()) {
                    Set<String> inner = new HashSet<>(scope);
                    boolean loopBody = (name.equals("for") || name.equals("each")) && !"else".equals(block.label);
                    for (Map.Entry<String, Expression> e : block.expressions.entrySet()) {
                        if (loopBody && e.getValue().isLiteral()) {
                            errors.add("line " + line + ": a loop may only run over a list of the email's data");
                        } else {
                            checkExpression(e.getValue(), scope, known, errors);
                        }
                    }
                    if (loopBody) {
                        String alias = block.parameters.getOrDefault("alias", "it");
                        inner.add(alias);
                        inner.add(alias + "_*");
                    } else if (name.equals("let") || name.equals("set")) {
                        block.parameters.keySet().forEach(k -> inner.add(k.endsWith("?") ? k.substring(0, k.length() - 1) : k));
                    }
                    walk(block.nodes, inner, known, errors);
                }
            }
        }
    }

    private void checkExpression(Expression expression, Set<String> scope, Set<String> known, Set<String> errors) {
        if (expression.isLiteral()) {
            return;
        }
        int line = expression.getOrigin().getLine();
        if (expression.hasNamespace()) {
            errors.add("line " + line + ": the namespace '" + expression.getNamespace() + ":' is not available in emails");
            return;
        }
        List<Expression.Part> parts = expression.getParts();
        if (parts.isEmpty()) {
            return;
        }
        String first = parts.get(0).getName();
        if (!known.contains(first) && !scope.contains(first) && !isIterationMetadata(first, scope)) {
            errors.add("line " + line + ": unknown variable '" + first + "'");
        }
        for (Expression.Part part : parts) {
            if (part.isVirtualMethod()) {
                part.asVirtualMethod().getParameters().forEach(p -> checkExpression(p, scope, known, errors));
            }
        }
    }

    private static boolean isIterationMetadata(String name, Set<String> scope) {
        return scope.stream().anyMatch(s -> s.endsWith("_*") && name.startsWith(s.substring(0, s.length() - 1)));
    }

    /** Whether a name is usable as a variable or global. */
    public static boolean isValidName(String name) {
        return name != null && name.matches("[A-Za-z_][A-Za-z0-9_]{0,63}");
    }

    static List<Problem.FieldError> concat(List<Problem.FieldError> a, List<Problem.FieldError> b) {
        List<Problem.FieldError> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
