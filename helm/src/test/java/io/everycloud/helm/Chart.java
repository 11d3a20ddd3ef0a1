package io.everycloud.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The chart under test: lint it, render it with helm-java (Helm as a native library), as
 * {@code helm template everycloud helm/everycloud -n everycloud} would.
 */
final class Chart {

    static final String RELEASE = "everycloud";
    static final String NAMESPACE = "everycloud";
    /** The oldest Kubernetes the chart declares (Chart.yaml kubeVersion) is older; render for a current one. */
    static final String KUBE_VERSION = "1.33.0";
    static final List<String> SERVICES = List.of("device-registry", "claim", "user", "firmware", "portal", "notification");

    private Chart() {
    }

    static Path dir() {
        return Path.of(System.getProperty("chart.dir", "everycloud")).toAbsolutePath();
    }

    /** The ci/*-values.yaml files, by name. */
    static List<Path> ciValues() {
        try (Stream<Path> files = Files.list(dir().resolve("ci"))) {
            return files.filter(f -> f.getFileName().toString().endsWith("-values.yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static LintResult lint() {
        FakeKubernetesApi.start();
        return new Helm(dir()).lint().strict().call();
    }

    /** The rendered YAML of the chart with the given values file (or none) and --set pairs. */
    static String template(Path valuesFile, Map<String, Object> set) {
        FakeKubernetesApi.start();
        TemplateCommand command = new Helm(dir()).template()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        if (valuesFile != null) {
            command = command.withValuesFile(valuesFile);
        }
        for (Map.Entry<String, Object> entry : set.entrySet()) {
            command = command.set(entry.getKey(), entry.getValue());
        }
        return command.call();
    }

    static Rendering render(Path valuesFile) {
        return Rendering.parse(template(valuesFile, Map.of()));
    }

    static Rendering render(Map<String, Object> set) {
        return Rendering.parse(template(null, set));
    }

    /** The default values' rendering, shared by the tests (use render(Map.of()) for a fresh one). */
    static Rendering renderDefaults() {
        return render("default");
    }

    /** The default values and every ci file, for parameterized tests ("default" stands for no file). */
    static List<String> variants() {
        List<String> variants = new ArrayList<>();
        variants.add("default");
        ciValues().forEach(f -> variants.add(f.getFileName().toString()));
        return variants;
    }

    /** Renderings of the variants are shared by the tests (rendering is the slow part). */
    static Rendering render(String variant) {
        return VARIANTS.computeIfAbsent(variant,
                v -> v.equals("default") ? render(Map.of()) : render(dir().resolve("ci").resolve(v)));
    }

    private static final Map<String, Rendering> VARIANTS = new java.util.concurrent.ConcurrentHashMap<>();
}
