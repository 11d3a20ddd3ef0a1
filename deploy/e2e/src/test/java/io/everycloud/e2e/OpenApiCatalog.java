package io.everycloud.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Every operation of every service, read from the service's own {@code /q/openapi} (its local
 * port: OpenAPI is not on the public address): method, path template, parameters, body media
 * types with their schemas resolved, and the roles of its security requirement (none: public).
 */
final class OpenApiCatalog {

    /** The services and their local ports, as in helm/everycloud/files/routes.json. */
    static final Map<String, Integer> PORTS = Map.of(
            "device-registry", 8101, "claim", 8102, "user", 8103, "firmware", 8104, "portal", 8105, "notification", 8106);

    record Param(String name, String in, boolean required) {
    }

    record Operation(String service, String method, String path, List<Param> params, Map<String, JsonNode> bodies,
            Set<String> roles) {

        String key() {
            return method + " " + path;
        }

        boolean isPublic() {
            return roles == null;
        }

        List<Param> in(String where) {
            return params.stream().filter(p -> p.in().equals(where)).toList();
        }

        boolean takesId() {
            return !in("path").isEmpty();
        }

        JsonNode jsonSchema() {
            return bodies.get("application/json");
        }

        /** Does a concrete path (no query) match this template? */
        boolean matches(String concrete) {
            return pattern(path).matcher(concrete).matches();
        }

        @Override
        public String toString() {
            return service + ": " + key();
        }
    }

    private final List<Operation> operations;

    private OpenApiCatalog(List<Operation> operations) {
        this.operations = operations;
    }

    List<Operation> operations() {
        return operations;
    }

    static OpenApiCatalog load() {
        List<Operation> all = new ArrayList<>();
        PORTS.forEach((service, port) -> all.addAll(read(service, fetch(port))));
        all.sort(java.util.Comparator.comparing(Operation::service).thenComparing(Operation::path).thenComparing(Operation::method));
        return new OpenApiCatalog(List.copyOf(all));
    }

    private static JsonNode fetch(int port) {
        PublicApi.Answer answer = PublicApi.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/openapi?format=json")).GET());
        if (answer.status() != 200) {
            throw new AssertionError("OpenAPI of port " + port + " answered " + answer);
        }
        return answer.json();
    }

    static List<Operation> read(String service, JsonNode document) {
        List<Operation> operations = new ArrayList<>();
        JsonNode components = document.path("components").path("schemas");
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext();) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> methods = path.getValue().fields(); methods.hasNext();) {
                Map.Entry<String, JsonNode> method = methods.next();
                if (method.getKey().equals("parameters")) {
                    continue;
                }
                JsonNode op = method.getValue();
                List<Param> params = new ArrayList<>();
                for (JsonNode p : iterable(path.getValue().path("parameters"), op.path("parameters"))) {
                    params.add(new Param(p.path("name").asText(), p.path("in").asText(), p.path("required").asBoolean(false)));
                }
                Map<String, JsonNode> bodies = new LinkedHashMap<>();
                op.path("requestBody").path("content").fields().forEachRemaining(
                        content -> bodies.put(content.getKey(), resolve(content.getValue().path("schema"), components, 0)));
                Set<String> roles = null;
                if (op.has("security")) {
                    Set<String> collect = new LinkedHashSet<>();
                    for (JsonNode requirement : op.path("security")) {
                        requirement.fields().forEachRemaining(e -> e.getValue().forEach(r -> collect.add(r.asText())));
                    }
                    roles = collect;
                }
                operations.add(new Operation(service, method.getKey().toUpperCase(), path.getKey(), List.copyOf(params), bodies,
                        roles == null ? null : Set.copyOf(roles)));
            }
        }
        return operations;
    }

    private static List<JsonNode> iterable(JsonNode... arrays) {
        List<JsonNode> all = new ArrayList<>();
        for (JsonNode array : arrays) {
            array.forEach(all::add);
        }
        return all;
    }

    /** The schema with every {@code $ref} replaced by what it names (Jackson's JsonNode: any JSON). */
    static JsonNode resolve(JsonNode schema, JsonNode components, int depth) {
        if (schema == null || schema.isMissingNode()) {
            return PublicApi.JSON.createObjectNode();
        }
        if (schema.has("$ref")) {
            String name = schema.path("$ref").asText().replace("#/components/schemas/", "");
            if (name.equals("JsonNode") || depth > 6) {
                return PublicApi.JSON.createObjectNode().put("x-any", true);
            }
            return resolve(components.path(name), components, depth + 1);
        }
        ObjectNode copy = schema.deepCopy();
        if (schema.has("properties")) {
            ObjectNode properties = copy.putObject("properties");
            schema.path("properties").fields().forEachRemaining(p -> properties.set(p.getKey(), resolve(p.getValue(), components, depth + 1)));
        }
        if (schema.has("items")) {
            copy.set("items", resolve(schema.path("items"), components, depth + 1));
        }
        if (schema.path("additionalProperties").isObject()) {
            copy.set("additionalProperties", resolve(schema.path("additionalProperties"), components, depth + 1));
        }
        return copy;
    }

    static Pattern pattern(String template) {
        StringBuilder regex = new StringBuilder();
        for (String part : template.split("(?=\\{)|(?<=\\})")) {
            regex.append(part.startsWith("{") ? "[^/]+" : Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }

    static String describe(Iterable<Operation> operations) {
        StringBuilder text = new StringBuilder();
        operations.forEach(op -> text.append("\n  ").append(op));
        return text.toString();
    }

    static JsonNode parse(String json) {
        try {
            return PublicApi.JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
