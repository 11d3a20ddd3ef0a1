package io.everycloud.helm;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Binds rendered objects to the fabric8 Kubernetes model classes as strictly as the API server
 * reads them: an unknown field (which the model keeps in {@code additionalProperties}) or a value
 * of the wrong type (a number where a string belongs, or the other way round) is an error.
 * Custom resources (Strimzi, CloudNativePG, Prometheus Operator) have no model classes here: their
 * fields are checked against the lists below, taken from those projects' API references.
 */
final class KubernetesModel {

    static final Map<String, Class<? extends HasMetadata>> BUILT_IN = Map.of(
            "v1/ServiceAccount", ServiceAccount.class,
            "v1/ConfigMap", ConfigMap.class,
            "v1/Secret", Secret.class,
            "v1/Service", Service.class,
            "apps/v1/Deployment", Deployment.class,
            "autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
            "networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class,
            "networking.k8s.io/v1/Ingress", Ingress.class);

    /** Allowed keys per path ("[]" = every element of a list) of each custom resource the chart renders. */
    static final Map<String, Map<String, Set<String>>> CUSTOM = Map.of(
            "kafka.strimzi.io/v1beta2/Kafka", Map.of(
                    "", Set.of("apiVersion", "kind", "metadata", "spec"),
                    "spec", Set.of("kafka", "entityOperator", "cruiseControl", "kafkaExporter"),
                    "spec.kafka", Set.of("version", "metadataVersion", "listeners", "config", "authorization", "rack", "template"),
                    "spec.kafka.listeners[]", Set.of("name", "port", "type", "tls", "networkPolicyPeers", "authentication", "configuration"),
                    "spec.entityOperator", Set.of("topicOperator", "userOperator", "template")),
            "kafka.strimzi.io/v1beta2/KafkaNodePool", Map.of(
                    "", Set.of("apiVersion", "kind", "metadata", "spec"),
                    "spec", Set.of("replicas", "roles", "storage", "resources", "jvmOptions", "template"),
                    "spec.storage", Set.of("type", "volumes"),
                    "spec.storage.volumes[]", Set.of("id", "type", "size", "class", "deleteClaim", "kraftMetadata")),
            "kafka.strimzi.io/v1beta2/KafkaTopic", Map.of(
                    "", Set.of("apiVersion", "kind", "metadata", "spec"),
                    "spec", Set.of("topicName", "partitions", "replicas", "config")),
            "postgresql.cnpg.io/v1/Cluster", Map.of(
                    "", Set.of("apiVersion", "kind", "metadata", "spec"),
                    "spec", Set.of("instances", "imageName", "storage", "resources", "managed", "backup", "bootstrap",
                            "postgresql", "monitoring", "affinity", "walStorage"),
                    "spec.storage", Set.of("size", "storageClass"),
                    "spec.managed", Set.of("roles", "services"),
                    "spec.managed.roles[]", Set.of("name", "ensure", "login", "passwordSecret", "inRoles", "comment",
                            "connectionLimit", "superuser", "createdb", "createrole", "inherit", "replication", "bypassrls",
                            "validUntil", "disablePassword")),
            "postgresql.cnpg.io/v1/Database", Map.of(
                    "", Set.of("apiVersion", "kind", "metadata", "spec"),
                    "spec", Set.of("cluster", "name", "owner", "ensure", "databaseReclaimPolicy", "encoding", "template")),
            "postgresql.cnpg.io/v1/ScheduledBackup", Map.of(
                    "", Set.of("apiVersion", "kind", "metadata", "spec"),
                    "spec", Set.of("schedule", "backupOwnerReference", "cluster", "immediate", "suspend", "method", "target")),
            "monitoring.coreos.com/v1/ServiceMonitor", Map.of(
                    "", Set.of("apiVersion", "kind", "metadata", "spec"),
                    "spec", Set.of("selector", "endpoints", "namespaceSelector", "jobLabel"),
                    "spec.endpoints[]", Set.of("port", "path", "interval", "scheme", "scrapeTimeout")));

    private static final ObjectMapper STRICT = strictMapper();

    private KubernetesModel() {
    }

    static HasMetadata bind(Map<String, Object> raw) {
        String type = raw.get("apiVersion") + "/" + raw.get("kind");
        Class<? extends HasMetadata> builtIn = BUILT_IN.get(type);
        HasMetadata model;
        try {
            Class<? extends HasMetadata> target = builtIn != null ? builtIn : GenericKubernetesResource.class;
            model = STRICT.convertValue(raw, target);
        } catch (IllegalArgumentException e) {
            throw new AssertionError(type + " does not bind to the Kubernetes model: " + e.getMessage(), e);
        }
        if (builtIn != null) {
            List<String> unknown = new ArrayList<>();
            collectUnknownFields(model, type, unknown);
            if (!unknown.isEmpty()) {
                throw new AssertionError(type + " " + name(raw) + " has unknown fields: " + unknown);
            }
        } else {
            Map<String, Set<String>> allowed = CUSTOM.get(type);
            if (allowed == null) {
                throw new AssertionError("the chart renders a kind the tests do not know: " + type);
            }
            List<String> unknown = new ArrayList<>();
            collectUnknownFields(((GenericKubernetesResource) model).getMetadata(), type + ".metadata", unknown);
            allowed.forEach((path, keys) -> checkKeys(raw, path, keys, type, unknown));
            if (!unknown.isEmpty()) {
                throw new AssertionError(type + " " + name(raw) + " has unknown fields: " + unknown);
            }
        }
        return model;
    }

    private static String name(Map<String, Object> raw) {
        return raw.get("metadata") instanceof Map<?, ?> metadata ? String.valueOf(metadata.get("name")) : "?";
    }

    private static void checkKeys(Object node, String path, Set<String> allowed, String where, List<String> unknown) {
        for (Object target : resolve(node, path)) {
            if (!(target instanceof Map<?, ?> map)) {
                unknown.add(where + "." + path + " is not an object");
                continue;
            }
            for (Object key : map.keySet()) {
                if (!allowed.contains(String.valueOf(key))) {
                    unknown.add(where + "." + path + "." + key);
                }
            }
        }
    }

    private static List<Object> resolve(Object node, String path) {
        List<Object> current = List.of(node);
        if (path.isEmpty()) {
            return current;
        }
        for (String step : path.split("\\.")) {
            boolean each = step.endsWith("[]");
            String key = each ? step.substring(0, step.length() - 2) : step;
            List<Object> next = new ArrayList<>();
            for (Object n : current) {
                if (n instanceof Map<?, ?> map && map.get(key) != null) {
                    Object child = map.get(key);
                    if (each && child instanceof Collection<?> list) {
                        next.addAll(list);
                    } else if (!each) {
                        next.add(child);
                    }
                }
            }
            current = next;
        }
        return current;
    }

    /** Walks the model objects and records every path whose additionalProperties is not empty. */
    static void collectUnknownFields(Object node, String path, List<String> unknown) {
        if (node == null) {
            return;
        }
        if (node instanceof Collection<?> list) {
            int i = 0;
            for (Object element : list) {
                collectUnknownFields(element, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> collectUnknownFields(v, path + "." + k, unknown));
            return;
        }
        if (!node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method method : node.getClass().getMethods()) {
            if (method.getParameterCount() != 0 || Modifier.isStatic(method.getModifiers())
                    || !method.getName().startsWith("get") || method.getName().equals("getClass")) {
                continue;
            }
            Object value;
            try {
                value = method.invoke(node);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue;
            }
            if (method.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.add(path + " " + new TreeSet<>(extra.keySet().stream().map(String::valueOf).toList()));
                }
            } else if (!method.getName().equals("getAdditionalPropertiesNode")) {
                collectUnknownFields(value, path + "." + decapitalize(method.getName().substring(3)), unknown);
            }
        }
    }

    private static String decapitalize(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    private static ObjectMapper strictMapper() {
        JsonMapper mapper = JsonMapper.builder()
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .build();
        // The API server refuses a number or a boolean where a string belongs (and the reverse).
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Integer)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Boolean)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        return mapper;
    }
}
