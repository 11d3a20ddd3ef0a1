package io.everycloud.portal.web;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A STAND-IN for user-service, claim-service, device-registry-service and firmware-service,
 * answering the exact API.md shapes the portal's pages use. It exists because those services are
 * separate processes (each with its own database and Kafka consumers) and do not run inside this
 * test JVM. The real journey (QR → sign up → verify from the email → claim → device page →
 * update → sign out) runs against the real suite in deploy/e2e.
 *
 * <p>Tests read what happened (verification tokens mailed, refresh tokens revoked, updates
 * requested) through {@code /_standin/...} on the same server, because the test and this
 * resource may live in different class loaders.
 */
public class StandInServices implements QuarkusTestResourceLifecycleManager {

    public static final String ALICE = "alice@example.com";
    public static final String BOB = "bob@example.com";
    /** Her access tokens expire at once, so every page refreshes them. */
    public static final String CAROL = "carol@example.com";
    /** Resets his password in a test. */
    public static final String DAVE = "dave@example.com";
    public static final String PASSWORD = "correct horse battery";
    public static final String ALICE_DEVICE = "alice-thermo-1";
    public static final String BOB_DEVICE = "bob-thermo-1";
    /** Claims one fresh device each time (a new identity per claim). */
    public static final String GOOD_CODE = "AB+C&D 1";
    public static final String EXPIRED_CODE = "OLD-CODE";
    /** Its device already has an owner: the preview says it cannot be claimed. */
    public static final String OWNED_CODE = "OWNED-CODE";

    private final ObjectMapper mapper = new ObjectMapper();
    private HttpServer server;

    record Account(String id, String email, String password, boolean verified) {
    }

    private final Map<String, Account> accounts = new ConcurrentHashMap<>();
    private final Map<String, String> accessTokens = new ConcurrentHashMap<>();   // token → user id
    private final Map<String, String> refreshTokens = new ConcurrentHashMap<>();  // token → user id
    private final Map<String, String> verificationTokens = new ConcurrentHashMap<>(); // email → token
    private final Map<String, String> resetTokens = new ConcurrentHashMap<>();   // email → token
    private final java.util.concurrent.atomic.AtomicInteger refreshes = new java.util.concurrent.atomic.AtomicInteger();
    private final Map<String, String> owners = new ConcurrentHashMap<>();        // device → user id
    private final Map<String, String> otaState = new ConcurrentHashMap<>();      // device → state
    private final List<String> revoked = new CopyOnWriteArrayList<>();
    private final List<String> updates = new CopyOnWriteArrayList<>();
    private final List<String> declines = new CopyOnWriteArrayList<>();
    /** Open "ask owners" offers, {@code identity=version}: alice's device is offered 1.1.0. */
    private final java.util.Set<String> offered = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @Override
    public Map<String, String> start() {
        Account alice = new Account(UUID.randomUUID().toString(), ALICE, PASSWORD, true);
        Account bob = new Account(UUID.randomUUID().toString(), BOB, PASSWORD, true);
        accounts.put(ALICE, alice);
        accounts.put(BOB, bob);
        accounts.put(CAROL, new Account(UUID.randomUUID().toString(), CAROL, PASSWORD, true));
        accounts.put(DAVE, new Account(UUID.randomUUID().toString(), DAVE, PASSWORD, true));
        owners.put(ALICE_DEVICE, alice.id());
        owners.put(BOB_DEVICE, bob.id());
        offered.add(ALICE_DEVICE + "=1.1.0");
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", this::handle);
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        return Map.of("portal.services.user-url", url, "portal.services.claim-url", url,
                "portal.services.registry-url", url, "portal.services.firmware-url", url);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            route(exchange);
        } catch (RuntimeException e) {
            send(exchange, 500, Map.of("status", 500, "title", "Internal Server Error", "detail", "stand-in failed"));
        } finally {
            exchange.close();
        }
    }

    private void route(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getRawPath();
        String query = ex.getRequestURI().getRawQuery();
        byte[] raw;
        try (InputStream in = ex.getRequestBody()) {
            raw = in.readAllBytes();
        }
        String body = new String(raw, StandardCharsets.UTF_8);

        // ---- control endpoints for the tests ----
        if (path.equals("/_standin/verification")) {
            String token = verificationTokens.get(query(query).get("email"));
            send(ex, token == null ? 404 : 200, Map.of("token", token == null ? "" : token));
            return;
        }
        if (path.equals("/_standin/reset")) {
            String token = resetTokens.get(query(query).get("email"));
            send(ex, token == null ? 404 : 200, Map.of("token", token == null ? "" : token));
            return;
        }
        if (path.equals("/_standin/log")) {
            send(ex, 200, Map.of("revoked", revoked, "updates", updates, "declines", declines, "accessTokens", List.copyOf(accessTokens.keySet()),
                    "refreshes", refreshes.get()));
            return;
        }

        // ---- user-service ----
        if (method.equals("POST") && path.equals("/oauth/token")) {
            Map<String, String> form = query(body);
            if (!"portal".equals(form.get("client_id"))) {
                send(ex, 401, Map.of("error", "invalid_client", "error_description", "unknown client"));
                return;
            }
            String userId;
            if ("password".equals(form.get("grant_type"))) {
                Account account = accounts.get(form.getOrDefault("username", ""));
                if (account == null || !account.password().equals(form.get("password"))) {
                    send(ex, 400, Map.of("error", "invalid_grant", "error_description", "wrong email or password"));
                    return;
                }
                if (!account.verified()) {
                    send(ex, 400, Map.of("error", "invalid_grant", "error_description", "confirm your email address first"));
                    return;
                }
                userId = account.id();
            } else if ("refresh_token".equals(form.get("grant_type"))) {
                userId = refreshTokens.remove(form.getOrDefault("refresh_token", ""));
                refreshes.incrementAndGet();
                if (userId == null) {
                    send(ex, 400, Map.of("error", "invalid_grant", "error_description", "the refresh token is invalid, expired or revoked"));
                    return;
                }
            } else {
                send(ex, 400, Map.of("error", "unsupported_grant_type"));
                return;
            }
            Account account = accounts.values().stream().filter(a -> a.id().equals(userId)).findFirst().orElseThrow();
            String access = jwt(account);
            String refresh = UUID.randomUUID().toString();
            accessTokens.put(access, userId);
            refreshTokens.put(refresh, userId);
            send(ex, 200, Map.of("access_token", access, "token_type", "Bearer", "expires_in", CAROL.equals(account.email()) ? 1 : 300,
                    "refresh_token", refresh));
            return;
        }
        if (method.equals("POST") && path.equals("/oauth/revoke")) {
            String token = query(body).get("token");
            refreshTokens.remove(token);
            revoked.add(token);
            ex.sendResponseHeaders(200, -1);
            return;
        }
        if (method.equals("POST") && path.equals("/api/signup")) {
            JsonNode json = mapper.readTree(body);
            String email = json.path("email").asText();
            String password = json.path("password").asText();
            List<Map<String, String>> errors = new ArrayList<>();
            if (!email.contains("@")) {
                errors.add(Map.of("field", "email", "message", "must be an email address"));
            }
            if (password.length() < 10) {
                errors.add(Map.of("field", "password", "message", "must have at least 10 characters"));
            }
            if (!errors.isEmpty()) {
                problem(ex, 400, errors.size() == 1 ? errors.get(0).get("field") + ": " + errors.get(0).get("message")
                        : errors.size() + " fields are invalid", errors);
                return;
            }
            if (accounts.containsKey(email)) {
                problem(ex, 409, "an account with this email already exists", List.of());
                return;
            }
            accounts.put(email, new Account(UUID.randomUUID().toString(), email, password, false));
            verificationTokens.put(email, UUID.randomUUID().toString());
            send(ex, 201, Map.of("status", "unverified"));
            return;
        }
        if (method.equals("POST") && path.equals("/api/verify")) {
            String token = mapper.readTree(body).path("token").asText();
            String email = verificationTokens.entrySet().stream().filter(e -> e.getValue().equals(token))
                    .map(Map.Entry::getKey).findFirst().orElse(null);
            if (email == null) {
                problem(ex, 400, "this verification link is invalid or has expired", List.of());
                return;
            }
            Account account = accounts.get(email);
            accounts.put(email, new Account(account.id(), email, account.password(), true));
            send(ex, 200, Map.of("verified", true));
            return;
        }
        if (method.equals("POST") && path.equals("/api/password-reset")) {
            String email = mapper.readTree(body).path("email").asText();
            if (accounts.containsKey(email)) {
                resetTokens.put(email, UUID.randomUUID().toString());
            }
            ex.sendResponseHeaders(202, -1);
            return;
        }
        if (method.equals("POST") && path.equals("/api/password-reset/confirm")) {
            JsonNode json = mapper.readTree(body);
            String token = json.path("token").asText();
            String password = json.path("password").asText();
            String email = resetTokens.entrySet().stream().filter(e -> e.getValue().equals(token))
                    .map(Map.Entry::getKey).findFirst().orElse(null);
            if (email == null) {
                problem(ex, 400, "this reset link is invalid or has expired", List.of());
                return;
            }
            if (password.length() < 10) {
                problem(ex, 400, "password: must have at least 10 characters",
                        List.of(Map.of("field", "password", "message", "must have at least 10 characters")));
                return;
            }
            resetTokens.remove(email);
            Account account = accounts.get(email);
            accounts.put(email, new Account(account.id(), email, password, true));
            ex.sendResponseHeaders(204, -1);
            return;
        }
        if (method.equals("PUT") && path.equals("/api/me/password")) {
            String userId = caller(ex);
            if (userId == null) {
                problem(ex, 401, "a valid bearer token is required", List.of());
                return;
            }
            JsonNode json = mapper.readTree(body);
            Account account = accounts.values().stream().filter(a -> a.id().equals(userId)).findFirst().orElseThrow();
            if (!account.password().equals(json.path("currentPassword").asText())) {
                problem(ex, 400, "currentPassword: is not your current password",
                        List.of(Map.of("field", "currentPassword", "message", "is not your current password")));
                return;
            }
            accounts.put(account.email(), new Account(account.id(), account.email(), json.path("newPassword").asText(), true));
            ex.sendResponseHeaders(204, -1);
            return;
        }

        // ---- claim-service ----
        if (path.equals("/api/claims/preview") || path.equals("/api/claims")) {
            String userId = caller(ex);
            if (userId == null) {
                problem(ex, 401, "a valid bearer token is required", List.of());
                return;
            }
            String code = path.endsWith("preview") ? query(query).get("code") : mapper.readTree(body).path("code").asText();
            if (EXPIRED_CODE.equals(code)) {
                problem(ex, 410, "the claim code has expired", List.of());
                return;
            }
            if (OWNED_CODE.equals(code) && path.endsWith("preview")) {
                send(ex, 200, Map.of("product", "dev-product", "deviceCount", 1, "claimable", false));
                return;
            }
            if (!GOOD_CODE.equals(code)) {
                problem(ex, 404, "unknown claim code", List.of());
                return;
            }
            if (path.endsWith("preview")) {
                send(ex, 200, Map.of("product", "dev-product", "deviceCount", 1, "claimable", true));
                return;
            }
            String device = "claimed-" + UUID.randomUUID().toString().substring(0, 8);
            owners.put(device, userId);
            send(ex, 200, Map.of("devices", List.of(device)));
            return;
        }

        // ---- device-registry-service ----
        if (method.equals("GET") && path.startsWith("/api/devices")) {
            String userId = caller(ex);
            if (userId == null) {
                problem(ex, 401, "a valid bearer token is required", List.of());
                return;
            }
            if (path.equals("/api/devices")) {
                List<Object> items = new ArrayList<>();
                owners.entrySet().stream().filter(e -> e.getValue().equals(userId)).map(Map.Entry::getKey).sorted()
                        .forEach(identity -> items.add(device(identity, userId)));
                Map<String, Object> page = new LinkedHashMap<>();
                page.put("items", items);
                page.put("nextCursor", null);
                send(ex, 200, page);
                return;
            }
            String identity = URLDecoder.decode(path.substring("/api/devices/".length()), StandardCharsets.UTF_8);
            if (!userId.equals(owners.get(identity))) {
                problem(ex, 404, "no such device", List.of());
                return;
            }
            send(ex, 200, device(identity, userId));
            return;
        }

        // ---- firmware-service ----
        if (path.startsWith("/api/firmware/devices/")) {
            String userId = caller(ex);
            String rest = path.substring("/api/firmware/devices/".length());
            boolean update = rest.endsWith("/update");
            boolean decline = rest.endsWith("/decline");
            String identity = URLDecoder.decode(update ? rest.substring(0, rest.length() - "/update".length())
                    : decline ? rest.substring(0, rest.length() - "/decline".length()) : rest, StandardCharsets.UTF_8);
            if (userId == null || !userId.equals(owners.get(identity))) {
                problem(ex, 404, "no such device", List.of());
                return;
            }
            if (update && method.equals("POST")) {
                String version = mapper.readTree(body).path("version").asText();
                if (!List.of("1.0.1", "1.1.0").contains(version)) {
                    problem(ex, 400, "version: no such firmware version", List.of(Map.of("field", "version", "message", "no such firmware version")));
                    return;
                }
                otaState.put(identity, "REQUESTED " + version);
                updates.add(identity + "=" + version);
                send(ex, 202, Map.of("device", identity, "version", version, "state", "requested"));
                return;
            }
            if (decline && method.equals("POST")) {
                String version = mapper.readTree(body).path("version").asText();
                if (!offered.remove(identity + "=" + version)) {
                    problem(ex, 404, "no open offer of version " + version + " for this device", List.of());
                    return;
                }
                declines.add(identity + "=" + version);
                send(ex, 202, Map.of("identity", identity, "version", version, "status", "DECLINED"));
                return;
            }
            Map<String, Object> fw = new LinkedHashMap<>();
            fw.put("installedVersion", "1.0.0");
            fw.put("state", otaState.getOrDefault(identity, "INSTALLED_VERSION"));
            fw.put("available", List.of("1.0.1", "1.1.0"));
            fw.put("offers", offered.contains(identity + "=1.1.0")
                    ? List.of(Map.of("rolloutId", "7d1c3f5e-0000-4000-8000-000000000001", "version", "1.1.0")) : List.of());
            fw.put("history", List.of(Map.of("at", "2026-11-25T10:00:00Z", "version", "1.0.0", "state", "INSTALL_SUCCESS")));
            send(ex, 200, fw);
            return;
        }
        problem(ex, 404, "no such resource", List.of());
    }

    private Map<String, Object> device(String identity, String userId) {
        Map<String, Object> device = new LinkedHashMap<>();
        device.put("identity", identity);
        device.put("status", "activated");
        device.put("createdAt", "2026-11-20T08:00:00Z");
        device.put("activatedAt", "2026-11-20T09:00:00Z");
        device.put("lastSeenAt", "2026-11-25T10:00:00Z");
        device.put("tags", Map.of("users", List.of(userId), "claim_code", List.of(GOOD_CODE), "location", List.of("kitchen")));
        device.put("resources", Map.of("data_in", Map.of("value", "{\"temperature\":21.5}", "updatedAt", "2026-11-25T10:00:00Z"),
                "fw_version", Map.of("value", "1.0.0", "updatedAt", "2026-11-20T09:00:00Z")));
        return device;
    }

    private String caller(HttpExchange ex) {
        String authorization = ex.getRequestHeaders().getFirst("Authorization");
        return authorization == null || !authorization.startsWith("Bearer ") ? null : accessTokens.get(authorization.substring(7));
    }

    /** A JWT-shaped token carrying sub and email (the portal reads them for display; it never verifies signatures itself). */
    private String jwt(Account account) throws IOException {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
        String payload = b64.encodeToString(mapper.writeValueAsBytes(Map.of("sub", account.id(), "email", account.email(),
                "groups", List.of("user"), "jti", UUID.randomUUID().toString())));
        return header + "." + payload + ".stand-in";
    }

    private void problem(HttpExchange ex, int status, String detail, List<Map<String, String>> errors) throws IOException {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", "Error");
        problem.put("status", status);
        problem.put("detail", detail);
        problem.put("errors", errors);
        byte[] bytes = mapper.writeValueAsBytes(problem);
        ex.getResponseHeaders().set("Content-Type", "application/problem+json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    private void send(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = mapper.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    private static Map<String, String> query(String query) {
        Map<String, String> values = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return values;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            values.put(key, value);
        }
        return values;
    }
}
