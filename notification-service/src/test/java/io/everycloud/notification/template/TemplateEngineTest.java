package io.everycloud.notification.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.everycloud.kit.problem.Problem;

/** The Qute engine alone: what it accepts, what it refuses (with the line), and how it renders. */
class TemplateEngineTest {

    private final TemplateEngine engine = new TemplateEngine();
    private static final Set<String> KNOWN = Set.of("name", "devices", "url", "links");

    @Test
    void seedPlaceholdersRenderLikeQuteExpressions() {
        String seed = "<p>Hello <%name%>, <% name %>!</p>";
        assertThat(engine.render(seed, true, Map.of("name", "Ann"))).isEqualTo("<p>Hello Ann, Ann!</p>");
        assertThat(engine.check("html", seed, true, KNOWN)).isEmpty();
    }

    @Test
    void seedDefinitionsNameTheVariable() {
        assertThat(TemplateEngine.variableName("<%%COMPANY%%>")).isEqualTo("COMPANY");
        assertThat(TemplateEngine.variableName("COMPANY")).isEqualTo("COMPANY");
    }

    @Test
    void htmlEscapesValuesButTextDoesNot() {
        Map<String, Object> data = Map.of("name", "<b>Ann & Bob</b>");
        assertThat(engine.render("<p>{name}</p>", true, data)).isEqualTo("<p>&lt;b&gt;Ann &amp; Bob&lt;/b&gt;</p>");
        assertThat(engine.render("{name}", false, data)).isEqualTo("<b>Ann & Bob</b>");
    }

    @Test
    void anUnknownVariableIsReportedWithItsLine() {
        List<Problem.FieldError> errors = engine.check("html", "<p>\n{name}\n{nmae}</p>", true, KNOWN);
        assertThat(errors).extracting(Problem.FieldError::field).containsExactly("html");
        assertThat(errors.get(0).message()).isEqualTo("line 3: unknown variable 'nmae'");
    }

    @Test
    void aTemplateThatDoesNotParseIsReportedWithItsLine() {
        List<Problem.FieldError> errors = engine.check("html", "<p>\n{#if name}\nunclosed", true, KNOWN);
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).field()).isEqualTo("html");
        assertThat(errors.get(0).message()).startsWith("line ");
        assertThat(errors.get(0).message()).containsIgnoringCase("if");
    }

    @Test
    void loopAliasesAndTheirMetadataAreKnownInsideTheLoopOnly() {
        String loop = "{#for d in devices}{d}{#if d_hasNext}, {/if}{/for}";
        assertThat(engine.check("text", loop, false, KNOWN)).isEmpty();
        assertThat(engine.render(loop, false, Map.of("devices", List.of("a", "b")))).isEqualTo("a, b");
        assertThat(engine.check("text", loop + "{d}", false, KNOWN)).extracting(Problem.FieldError::message)
                .containsExactly("line 1: unknown variable 'd'");
    }

    @Test
    void namespacesAndOtherSectionsAreRefused() {
        assertThat(engine.check("text", "{config:quarkus.datasource.password}", false, KNOWN))
                .extracting(Problem.FieldError::message).singleElement().asString().contains("namespace 'config:'");
        assertThat(engine.check("text", "{#include other /}", false, KNOWN))
                .extracting(Problem.FieldError::message).singleElement().asString().contains("not available", "include");
        assertThat(engine.check("text", "{#for i in 1000000000}x{/for}", false, KNOWN))
                .extracting(Problem.FieldError::message).singleElement().asString().contains("list");
    }

    @Test
    void nullValuesRenderAsNothingAndOrGivesAFallback() {
        Map<String, Object> data = new HashMap<>();
        data.put("name", null);
        data.put("url", "x");
        assertThat(engine.render("[{name}]", false, data)).isEqualTo("[]");
        assertThat(engine.render("{name or url}", false, data)).isEqualTo("x");
        assertThat(engine.render("{#if name}yes{#else}no{/if}", false, data)).isEqualTo("no");
    }

    @Test
    void cssWithSpacesIsText() {
        assertThat(engine.check("html", "<style>p { color: red; }</style>", true, KNOWN)).isEmpty();
    }
}
