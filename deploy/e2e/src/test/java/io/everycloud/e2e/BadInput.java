package io.everycloud.e2e;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.util.RawValue;

import io.everycloud.e2e.OpenApiCatalog.Operation;
import io.everycloud.e2e.OpenApiCatalog.Param;
import io.everycloud.e2e.SweepHttp.Call;

/**
 * The bad-input cases of one operation, generated from its OpenAPI description: malformed JSON,
 * the wrong JSON type for each property, each property missing, injection-like strings in each
 * string property and in each path, query and header parameter, unknown ids, the wrong media type,
 * and a body above the route's documented limit. Each case starts from a body the route would
 * accept ({@link #sample}), so that only the one thing the case changes is wrong.
 */
final class BadInput {

    /** Strings that try to escape into SQL, HTML, the file system, JNDI lookups, templates and headers; long, NUL, unicode. */
    static final List<String> INJECTIONS = List.of(
            "' OR 1=1--",
            "<script>alert(1)</script>",
            "../../etc/passwd",
            "${jndi:ldap://127.0.0.1:1/a}",
            "A".repeat(10 * 1024),
            "nul\u0000byte",
            "Grüße 日本 🚀 \u202emoc.live",
            "{{7*7}}${7*7}#{7*7}",
            "%00%0d%0aX-Injected: 1");
    /** Header values cannot carry control or non-ASCII characters: the header-safe ones. */
    static final List<String> HEADER_INJECTIONS = List.of("' OR 1=1--", "<script>alert(1)</script>", "../../etc/passwd",
            "${jndi:ldap://127.0.0.1:1/a}", "A".repeat(10 * 1024), "-1", "99999999999999999999", "abc");
    /** Numbers where a number is parsed, and beyond: every query parameter gets these too. */
    static final List<String> NUMBERS = List.of("-1", "0", "501", "99999999999999999999", "1e3", "abc");
    static final List<String> MALFORMED = List.of("{", "{\"a\":}", "not json", "[1,2", "{\"a\":1}}", "{'a':1}",
            "{\"a\":\"\\uZZZZ\"}", "[".repeat(5000) + "]".repeat(5000), "{\"a\":1" + "0".repeat(5000) + "}", "\u0000");
    static final String FORM = "application/x-www-form-urlencoded; charset=utf-8";

    /** The documented body limits (service READMEs; the kit's default is 1 MiB), longest prefix first. */
    static final Map<String, Long> LIMITS = limits();

    /** What a case may answer: any non-5xx ({@code ANY}), a 4xx, or exactly 413. */
    enum Expect { ANY, CLIENT_ERROR, TOO_LARGE }

    record Case(Operation op, String kind, String target, Call call, Expect expect, boolean oversize, long declared, String token) {

        String describe() {
            return op.key() + " — " + kind + (target.isEmpty() ? "" : " " + target) + ": "
                    + (oversize ? op.method() + " with Content-Length " + declared : call.toString());
        }
    }

    private final SweepFixture fixture;
    private final AuthorizationMatrix matrix;
    private final Map<String, JsonNode> current;

    BadInput(SweepFixture fixture, AuthorizationMatrix matrix, Map<String, JsonNode> current) {
        this.fixture = fixture;
        this.matrix = matrix;
        this.current = current;
    }

    /** Every case of one operation, for each token the route is sent with. */
    List<Case> cases(Operation op) {
        List<Case> cases = new ArrayList<>();
        for (String token : tokens(op)) {
            Call base = base(op, token);
            JsonNode sample = op.jsonSchema() == null ? null : sample(op);
            if (sample != null) {
                jsonCases(op, base, sample, token, cases);
            }
            if (op.bodies().containsKey("multipart/form-data")) {
                multipartCases(op, base, token, cases);
            }
            if (sample == null && (op.bodies().containsKey("text/plain") || op.bodies().containsKey("text/csv")
                    || op.bodies().containsKey("application/x-www-form-urlencoded") || op.bodies().containsKey("*/*"))) {
                textCases(op, base, token, cases);
            }
            for (Param param : op.in("path")) {
                List<String> values = new ArrayList<>(INJECTIONS);
                values.add(SweepFixture.randomUuid());
                values.add("sweep-unknown-" + SweepFixture.RUN);
                for (String value : values) {
                    Call call = new Call(base.method(), path(op, param.name(), value), base.headers(), base.body());
                    cases.add(new Case(op, "path", param.name() + "=" + SweepHttp.abbreviate(value, 40), call, Expect.ANY, false, 0, token));
                }
            }
            for (Param param : op.in("query")) {
                List<String> values = new ArrayList<>(INJECTIONS);
                values.addAll(NUMBERS);
                for (String value : values) {
                    String path = base.path() + (base.path().contains("?") ? "&" : "?") + param.name() + "=" + encode(value);
                    cases.add(new Case(op, "query", param.name() + "=" + SweepHttp.abbreviate(value, 40),
                            new Call(base.method(), path, base.headers(), base.body()), Expect.ANY, false, 0, token));
                }
            }
            for (Param param : op.in("header")) {
                if (param.name().equalsIgnoreCase("Authorization")) {
                    continue;
                }
                for (String value : HEADER_INJECTIONS) {
                    cases.add(new Case(op, "header", param.name() + "=" + SweepHttp.abbreviate(value, 40),
                            base.header(param.name(), value), Expect.ANY, false, 0, token));
                }
            }
            if (!op.bodies().isEmpty()) {
                String type = op.bodies().containsKey("application/json") ? "application/json"
                        : op.bodies().containsKey("multipart/form-data") ? "multipart/form-data; boundary=sweep"
                        : op.bodies().containsKey("text/csv") ? "text/csv" : FORM;
                long limit = limitFor(op.path());
                cases.add(new Case(op, "oversize", "(limit " + limit + " bytes)", base, Expect.TOO_LARGE, true, limit + 1, token));
            }
        }
        return cases;
    }

    private void jsonCases(Operation op, Call base, JsonNode sample, String token, List<Case> cases) {
        for (String malformed : MALFORMED) {
            cases.add(new Case(op, "malformed JSON", "", base.json(malformed), Expect.CLIENT_ERROR, false, 0, token));
        }
        cases.add(new Case(op, "malformed JSON", "(empty body)", base.body("application/json", new byte[0]), Expect.ANY, false, 0, token));
        cases.add(new Case(op, "malformed JSON", "(not UTF-8)", base.body("application/json",
                new byte[] { '{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}' }), Expect.CLIENT_ERROR, false, 0, token));
        List<String> wrongTop = sample.isArray() ? List.of("{}", "\"x\"", "1", "true") : List.of("[]", "\"x\"", "1", "true", "null");
        for (String top : wrongTop) {
            cases.add(new Case(op, "wrong type", "(whole body " + top + ")", base.json(top),
                    top.equals("null") ? Expect.ANY : Expect.CLIENT_ERROR, false, 0, token));
        }
        if (sample.isObject()) {
            cases.add(new Case(op, "missing fields", "(all)", base.json("{}"), Expect.ANY, false, 0, token));
        }
        for (String type : List.of("text/plain", "application/xml")) {
            cases.add(new Case(op, "wrong media type", type, base.body(type, sample.toString().getBytes(StandardCharsets.UTF_8)),
                    Expect.CLIENT_ERROR, false, 0, token));
        }
        for (List<Object> path : leaves(sample, new ArrayList<>())) {
            String field = field(path);
            JsonNode leaf = at(sample, path);
            for (JsonNode wrong : wrongTypes(leaf)) {
                cases.add(new Case(op, "wrong type", field + "=" + SweepHttp.abbreviate(wrong.toString(), 30),
                        base.json(replace(sample, path, wrong).toString()), Expect.ANY, false, 0, token));
            }
            if (path.get(path.size() - 1) instanceof String) {
                cases.add(new Case(op, "missing field", field, base.json(remove(sample, path).toString()), Expect.ANY, false, 0, token));
            }
            cases.add(new Case(op, "null", field, base.json(replace(sample, path, JsonNodeFactory.instance.nullNode()).toString()),
                    Expect.ANY, false, 0, token));
            if (leaf.isTextual() || leaf.isNull()) {
                for (String injection : INJECTIONS) {
                    cases.add(new Case(op, "injection", field + "=" + SweepHttp.abbreviate(injection, 30),
                            base.json(replace(sample, path, TextNode.valueOf(injection)).toString()), Expect.ANY, false, 0, token));
                }
            }
        }
    }

    private void multipartCases(Operation op, Call base, String token, List<Case> cases) {
        JsonNode metadata = OpenApiCatalog.parse(SweepFixture.json(Map.of("author", "sweep", "product", "dev-product", "config_otau",
                Map.of("version", "9.8." + SweepFixture.RUN, "name", "sweep", "description", "sweep", "type", "FILE", "payload", "x.bin"))));
        byte[] file = "sweep firmware".getBytes(StandardCharsets.UTF_8);
        cases.add(new Case(op, "malformed multipart", "(not multipart)", base.body("multipart/form-data; boundary=sweep",
                "garbage".getBytes(StandardCharsets.UTF_8)), Expect.CLIENT_ERROR, false, 0, token));
        Multipart onlyFile = new Multipart().file("file", "x.bin", "application/octet-stream", file);
        cases.add(new Case(op, "missing field", "metadata", base.body(onlyFile.contentType(), onlyFile.body()), Expect.CLIENT_ERROR, false, 0, token));
        Multipart onlyMetadata = new Multipart().file("metadata", "package_x.json", "application/json", metadata.toString().getBytes(StandardCharsets.UTF_8));
        cases.add(new Case(op, "missing field", "file", base.body(onlyMetadata.contentType(), onlyMetadata.body()), Expect.CLIENT_ERROR, false, 0, token));
        for (String malformed : MALFORMED) {
            cases.add(multipart(op, base, token, "malformed JSON", "metadata", malformed, file, Expect.CLIENT_ERROR));
        }
        for (List<Object> path : leaves(metadata, new ArrayList<>())) {
            String field = "metadata." + field(path);
            JsonNode leaf = at(metadata, path);
            for (JsonNode wrong : wrongTypes(leaf)) {
                cases.add(multipart(op, base, token, "wrong type", field + "=" + wrong, replace(metadata, path, wrong).toString(), file, Expect.ANY));
            }
            cases.add(multipart(op, base, token, "missing field", field, remove(metadata, path).toString(), file, Expect.ANY));
            if (leaf.isTextual()) {
                for (String injection : INJECTIONS) {
                    cases.add(multipart(op, base, token, "injection", field + "=" + SweepHttp.abbreviate(injection, 30),
                            replace(metadata, path, TextNode.valueOf(injection)).toString(), file, Expect.ANY));
                }
            }
        }
    }

    private static Case multipart(Operation op, Call base, String token, String kind, String target, String metadata, byte[] file, Expect expect) {
        Multipart body = new Multipart().file("file", "x.bin", "application/octet-stream", file)
                .file("metadata", "package_x.json", "application/json", metadata.getBytes(StandardCharsets.UTF_8));
        return new Case(op, kind, target, base.body(body.contentType(), body.body()), expect, false, 0, token);
    }

    private void textCases(Operation op, Call base, String token, List<Case> cases) {
        List<String> bodies = new ArrayList<>();
        String contentType;
        if (op.bodies().containsKey("text/csv")) {
            contentType = "text/csv";
            bodies.addAll(List.of("garbage", "\u0000\u0001\u0002", "identity,claim_code,expires\n,,\n",
                    "identity,claim_code,expires\nsw-csv,code,abc\n", "identity,claim_code,expires\nsw-csv,code,99999999999999999999\n",
                    "identity,claim_code,expires\nsw-csv,code,-1\n", "identity,claim_code,expires\n\"unterminated,x,1\n"));
            for (String injection : INJECTIONS) {
                bodies.add("identity,claim_code,expires\n" + injection + "," + injection + ",\n");
            }
        } else if (op.path().startsWith("/vendor/")) {
            contentType = "application/json";
            bodies.addAll(MALFORMED);
            bodies.addAll(INJECTIONS);
        } else {
            contentType = FORM;
            bodies.addAll(List.of("%zz=1", "=1", "a", "&&&", "a=%", "a=%G0"));
            List<String> fields = switch (op.key()) {
                case "POST /provision/activate" -> List.of("id", "sn");
                case "POST /onep:v1/stack/record" -> List.of("alias");
                case "POST /oauth/token" -> List.of("grant_type", "username", "password", "client_id", "client_secret", "refresh_token");
                case "POST /onep:v1/stack/alias" -> List.of("data_in", "sweep_alias");
                default -> List.of("email", "password", "code", "token", "next", "version", "name");
            };
            for (String injection : INJECTIONS) {
                StringBuilder all = new StringBuilder();
                for (String field : fields) {
                    all.append(all.isEmpty() ? "" : "&").append(field).append('=').append(encode(injection));
                }
                bodies.add(switch (op.key()) {
                    case "POST /provision/activate" -> all.toString().replaceFirst("&sn=", "&vendor=x&model=y&sn=");
                    case "POST /onep:v1/stack/record" -> all + "&1700000000=" + encode(injection) + "&" + encode(injection) + "=1";
                    case "POST /oauth/token" -> all.toString().replaceFirst("grant_type=[^&]*", "grant_type=password");
                    default -> all.toString();
                });
                bodies.add(encode(injection) + "=1");
            }
            if (op.key().equals("POST /oauth/token")) {
                bodies.add("grant_type=" + encode("' OR 1=1--"));
                bodies.add("username=a&password=b&client_id=portal");
            }
        }
        for (String body : bodies) {
            cases.add(new Case(op, "bad body", SweepHttp.abbreviate(body, 40), base.body(contentType, body.getBytes(StandardCharsets.UTF_8)),
                    Expect.ANY, false, 0, token));
        }
    }

    /** The tokens a route is swept with: none for public routes, the OEM's and a user's where each role is allowed. */
    List<String> tokens(Operation op) {
        List<String> tokens = new ArrayList<>();
        if (op.isPublic()) {
            tokens.add(null);
            return tokens;
        }
        if (op.roles().contains("user")) {
            tokens.add(fixture.userF.token);
        }
        // an operator's own account (/api/me...) is not swept with the operator's token: a wrong
        // current password repeated would lock the account the rest of the sweep needs
        if (op.roles().contains("oem") && !(op.path().startsWith("/api/me") && op.roles().contains("user"))) {
            tokens.add(fixture.oemToken());
        }
        if (tokens.isEmpty()) {
            tokens.add(fixture.appToken());
        }
        return tokens;
    }

    /** The valid request a case changes one thing of: real objects in the path (the fixture's fuzz targets), a sample body. */
    Call base(Operation op, String token) {
        String path = path(op, null, null);
        Call call = Call.of(op.method(), path).bearer(token);
        if (path.startsWith("/onep:v1") || path.startsWith("/provision/download")) {
            call = call.header("X-Exosite-CIK", fixture.fuzzDeviceToken);
        }
        if (op.jsonSchema() != null) {
            call = call.json(sample(op).toString());
        } else if (op.path().startsWith("/vendor/") && op.method().equals("PUT")) {
            JsonNode branding = current.get("GET /vendor/branding.json");
            call = call.body("application/json", (branding == null ? "{}" : branding.toString()).getBytes(StandardCharsets.UTF_8));
        }
        if (!op.path().startsWith("/api/") && !op.path().startsWith("/vendor") && !op.path().startsWith("/onep")
                && !op.path().startsWith("/provision") && !op.path().startsWith("/oauth") && !op.path().startsWith("/.well-known")) {
            call = call.header("Accept", "text/html");
        }
        return call;
    }

    private String fuzzTarget(Operation op, String param) {
        return switch (param) {
            case "identity" -> fixture.fuzzDevice;
            case "file" -> op.path().startsWith("/vendor") ? "branding.json" : fixture.fuzzDevice + ".png";
            case "id" -> op.path().startsWith("/api/users") ? fixture.userV.id : matrix.value(op, param, "owned");
            default -> matrix.value(op, param, "owned");
        };
    }

    /** The operation's path with the fuzz targets in its parameters, {@code param} (if any) set to {@code value}. */
    private String path(Operation op, String param, String value) {
        String path = op.path();
        for (Param p : op.in("path")) {
            path = path.replace("{" + p.name() + "}", encode(p.name().equals(param) ? value : fuzzTarget(op, p.name())));
        }
        if (op.key().equals("GET /onep:v1/stack/alias")) {
            path += "?data_in";
        }
        return path;
    }

    /** A body the route accepts (the current settings where the route replaces settings), from the schema otherwise. */
    static JsonNode sample(Operation op, SweepFixture fixture) {
        return new BadInput(fixture, new AuthorizationMatrix(fixture), Map.of()).sample(op);
    }

    JsonNode sample(Operation op) {
        String key = op.key();
        Map<String, Object> configOtau = new LinkedHashMap<>();
        configOtau.put("version", fixture.firmwareVersion);
        configOtau.put("name", "sweep");
        configOtau.put("description", "sweep");
        configOtau.put("type", "FILE");
        configOtau.put("payload", "sweep.bin");
        Object fixed = switch (key) {
            case "POST /api/firmware/update" -> Map.of("message", configOtau, "devices", List.of(fixture.fuzzDevice));
            case "PATCH /api/me", "PATCH /api/users/{id}" -> Map.of("name", "Sweep user");
            case "PUT /api/users/{id}/data/{key}" -> Map.of("default", true);
            case "PUT /api/devices/{identity}/resources/{alias}" -> Map.of("value", "sweep");
            case "PUT /api/firmware/settings" -> Map.of("EnableFirmwareUpdate", "enabled");
            case "POST /api/templates/{type}/preview" -> Map.of("data", Map.of("name", "Sweep"));
            default -> null;
        };
        if (fixed != null) {
            return OpenApiCatalog.parse(SweepFixture.json(fixed));
        }
        String currentKey = "GET " + op.path();
        if (op.method().equals("PUT") && current.containsKey(currentKey)) {
            return current.get(currentKey).deepCopy();
        }
        return fromSchema("", op.jsonSchema());
    }

    private JsonNode fromSchema(String name, JsonNode schema) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        if (schema.path("x-any").asBoolean(false)) {
            return nodes.textNode("sweep");
        }
        String type = schema.path("type").asText("object");
        switch (type) {
            case "array": {
                ArrayNode array = nodes.arrayNode();
                array.add(fromSchema(name, schema.path("items")));
                return array;
            }
            case "integer":
            case "number":
                return nodes.numberNode(1);
            case "boolean":
                return BooleanNode.TRUE;
            case "string":
                return nodes.textNode(stringFor(name, schema));
            default: {
                ObjectNode object = nodes.objectNode();
                if (schema.has("properties")) {
                    for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext();) {
                        Map.Entry<String, JsonNode> p = it.next();
                        object.set(p.getKey(), fromSchema(p.getKey(), p.getValue()));
                    }
                } else if (schema.path("additionalProperties").isObject()) {
                    object.set("sweep", fromSchema("sweep", schema.path("additionalProperties")));
                }
                return object;
            }
        }
    }

    private String stringFor(String name, JsonNode schema) {
        String lower = name.toLowerCase();
        if (schema.has("pattern")) {
            String first = schema.path("pattern").asText().replaceAll("[\\^$()]", "").split("\\|")[0];
            if (first.matches("[A-Za-z0-9_-]+")) {
                return first;
            }
        }
        if (lower.contains("email")) {
            return "sweep-fuzz-" + SweepFixture.RUN + "@example.com";
        }
        if (lower.contains("password")) {
            return "Sweep-fuzz-pass-" + SweepFixture.RUN;
        }
        if (lower.contains("url")) {
            return "https://example.com/sweep";
        }
        return switch (lower) {
            case "domain" -> "example.com";
            case "version" -> fixture.firmwareVersion;
            case "identity" -> "sw" + SweepFixture.RUN + "-new";
            case "role" -> "user";
            case "mode" -> "PUSH";
            case "provisioning" -> "whitelist";
            case "code" -> "sweep-unknown-code";
            default -> "sweep";
        };
    }

    // ---- JSON tree helpers: a leaf is a path of field names and array positions

    static List<List<Object>> leaves(JsonNode node, List<Object> at) {
        List<List<Object>> leaves = new ArrayList<>();
        if (node.isObject() && node.size() > 0) {
            node.fieldNames().forEachRemaining(name -> {
                List<Object> next = new ArrayList<>(at);
                next.add(name);
                leaves.add(next);
                JsonNode child = node.path(name);
                if (child.isContainerNode() && child.size() > 0) {
                    leaves.addAll(leaves(child, next));
                }
            });
        } else if (node.isArray() && node.size() > 0) {
            List<Object> next = new ArrayList<>(at);
            next.add(0);
            leaves.add(next);
            if (node.get(0).isContainerNode()) {
                leaves.addAll(leaves(node.get(0), next));
            }
        }
        return leaves;
    }

    static JsonNode at(JsonNode root, List<Object> path) {
        JsonNode node = root;
        for (Object step : path) {
            node = step instanceof Integer index ? node.path(index) : node.path((String) step);
        }
        return node;
    }

    static JsonNode replace(JsonNode root, List<Object> path, JsonNode value) {
        JsonNode copy = root.deepCopy();
        JsonNode parent = at(copy, path.subList(0, path.size() - 1));
        Object last = path.get(path.size() - 1);
        if (last instanceof Integer index) {
            ((ArrayNode) parent).set(index, value);
        } else {
            ((ObjectNode) parent).set((String) last, value);
        }
        return copy;
    }

    static JsonNode remove(JsonNode root, List<Object> path) {
        JsonNode copy = root.deepCopy();
        JsonNode parent = at(copy, path.subList(0, path.size() - 1));
        Object last = path.get(path.size() - 1);
        if (last instanceof Integer index) {
            ((ArrayNode) parent).remove(index);
        } else {
            ((ObjectNode) parent).remove((String) last);
        }
        return copy;
    }

    static String field(List<Object> path) {
        StringBuilder text = new StringBuilder();
        for (Object step : path) {
            if (step instanceof Integer index) {
                text.append('[').append(index).append(']');
            } else {
                text.append(text.isEmpty() ? "" : ".").append(step);
            }
        }
        return text.toString();
    }

    static List<JsonNode> wrongTypes(JsonNode leaf) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        JsonNode huge = nodes.rawValueNode(new RawValue("1e400"));
        JsonNode big = nodes.rawValueNode(new RawValue("99999999999999999999999"));
        if (leaf.isTextual()) {
            return List.of(nodes.numberNode(123), BooleanNode.TRUE, nodes.objectNode(), nodes.arrayNode());
        }
        if (leaf.isNumber()) {
            return List.of(nodes.textNode("abc"), nodes.numberNode(1.5), BooleanNode.TRUE, huge, big, nodes.numberNode(-1));
        }
        if (leaf.isBoolean()) {
            return List.of(nodes.textNode("yes"), nodes.numberNode(2), nodes.objectNode());
        }
        if (leaf.isArray()) {
            return List.of(nodes.textNode("x"), nodes.objectNode(), nodes.numberNode(1));
        }
        if (leaf.isObject()) {
            return List.of(nodes.textNode("x"), nodes.arrayNode(), nodes.numberNode(1));
        }
        return List.of(nodes.numberNode(123), nodes.objectNode());
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static long limitFor(String path) {
        for (Map.Entry<String, Long> limit : LIMITS.entrySet()) {
            if (path.startsWith(limit.getKey())) {
                return limit.getValue();
            }
        }
        return 1024 * 1024;
    }

    private static Map<String, Long> limits() {
        Map<String, Long> limits = new LinkedHashMap<>();
        limits.put("/vendor/branding.json", 64L * 1024);   // portal-service README
        limits.put("/api/firmware/packages", 512L * 1024 * 1024);   // firmware-service README
        limits.put("/api/devices/import", 8L * 1024 * 1024);   // device-registry-service README
        limits.put("/api/qr/batch", 4L * 1024 * 1024);   // claim-service README
        limits.put("/onep:v1", 16L * 1024 * 1024);   // device-registry-service README
        limits.put("/vendor", 1024L * 1024);   // portal-service README
        return limits;
    }

    static boolean isPage(String path) {
        return !path.startsWith("/api/") && !path.startsWith("/vendor") && !path.startsWith("/onep") && !path.startsWith("/provision")
                && !path.startsWith("/oauth") && !path.startsWith("/.well-known") && !path.startsWith("/firmware") && !path.startsWith("/timestamp");
    }

    static final Pattern LEAK = Pattern.compile("Exception|\\tat [a-z]|org\\.hibernate|org\\.postgresql|SQLState|PSQL|jdbc:|java\\.lang\\.");
}
