package io.everycloud.helm;

import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The chart lints clean and every variant renders objects the Kubernetes API would accept. */
class RenderedObjectsTest {

    static List<String> variants() {
        return Chart.variants();
    }

    @Test
    void chartPassesStrictLint() {
        LintResult result = Chart.lint();

        assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @Test
    void everyMainVariantHasACiValuesFile() {
        assertThat(Chart.ciValues()).extracting(p -> p.getFileName().toString())
                .contains("minimal-external-values.yaml", "strimzi-cnpg-values.yaml", "ha-values.yaml");
    }

    @ParameterizedTest
    @MethodSource("variants")
    void everyObjectBindsToTheKubernetesModelWithoutUnknownFields(String variant) {
        Rendering rendering = Chart.render(variant);

        // Rendering.parse binds each object strictly and fails on unknown fields or wrong types.
        assertThat(rendering.manifests()).isNotEmpty();
        assertThat(rendering.ofKind("Deployment")).hasSize(6);
    }

    @ParameterizedTest
    @MethodSource("variants")
    void objectNamesAreValidAndUniquePerKind(String variant) {
        Rendering rendering = Chart.render(variant);
        Set<String> seen = new HashSet<>();

        for (Rendering.Manifest m : rendering.manifests()) {
            assertThat(m.name()).as("%s name", m.kind()).matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?").hasSizeLessThanOrEqualTo(253);
            if (m.kind().equals("Service")) {
                assertThat(m.name()).as("Service names are DNS labels").matches("[a-z]([-a-z0-9]*[a-z0-9])?").hasSizeLessThanOrEqualTo(63);
            }
            assertThat(seen.add(m.kind() + "/" + m.name())).as("duplicate %s/%s", m.kind(), m.name()).isTrue();
        }
    }

    @Test
    void aWrongTypeInARenderedObjectIsCaught() {
        Map<String, Object> service = Map.of("apiVersion", "v1", "kind", "Service",
                "metadata", Map.of("name", "x"),
                "spec", Map.of("ports", List.of(Map.of("port", "eighty"))));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KubernetesModel.bind(service))
                .isInstanceOf(AssertionError.class).hasMessageContaining("does not bind");
    }

    @Test
    void anUnknownFieldInARenderedObjectIsCaught() {
        Map<String, Object> service = Map.of("apiVersion", "v1", "kind", "Service",
                "metadata", Map.of("name", "x"),
                "spec", Map.of("ports", List.of(Map.of("port", 80, "targetPrt", 8080))));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KubernetesModel.bind(service))
                .isInstanceOf(AssertionError.class).hasMessageContaining("targetPrt");
    }
}
