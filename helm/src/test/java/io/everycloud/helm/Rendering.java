package io.everycloud.helm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One rendering of the chart: every object, raw (as YAML maps) and bound to its model class. */
record Rendering(String yaml, List<Manifest> manifests) {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** One rendered object. */
    record Manifest(String kind, String name, Map<String, Object> raw, HasMetadata model) {
    }

    static Rendering parse(String yaml) {
        List<Manifest> manifests = new ArrayList<>();
        for (String document : yaml.split("(?m)^---\\s*$")) {
            if (document.lines().allMatch(l -> l.isBlank() || l.startsWith("#"))) {
                continue;
            }
            Map<String, Object> raw = readMap(document);
            HasMetadata model = KubernetesModel.bind(raw);
            manifests.add(new Manifest((String) raw.get("kind"), model.getMetadata().getName(), raw, model));
        }
        return new Rendering(yaml, List.copyOf(manifests));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readMap(String document) {
        try {
            return YAML.readValue(document, Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException("not YAML:\n" + document, e);
        }
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return manifests.stream().map(Manifest::model).filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst();
    }

    <T extends HasMetadata> T get(Class<T> type, String name) {
        return find(type, name).orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " named " + name));
    }

    List<Manifest> ofKind(String kind) {
        return manifests.stream().filter(m -> m.kind().equals(kind)).toList();
    }
}
