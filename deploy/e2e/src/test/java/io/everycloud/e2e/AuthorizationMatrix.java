package io.everycloud.e2e;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.everycloud.e2e.OpenApiCatalog.Operation;
import io.everycloud.e2e.SweepHttp.Call;
import io.everycloud.e2e.SweepHttp.Reply;

/**
 * Who may do what with whose objects (API.md, Conventions): without a valid token 401; a role
 * that may not use the route 403; an object the caller may not see 404; an action on an object
 * it sees but may not do 403. Every secured operation of every service's OpenAPI is sent without a
 * token and with three invalid ones; with the token of each role the route does not allow; and
 * every operation that names an object in its path ({@code {identity}}, {@code {id}},
 * {@code {appId}}, ...) is sent with another user's token, the owner's token, an app's token on an
 * object not routed to it and on one routed to it, as {@link #ROWS} says.
 */
final class AuthorizationMatrix {

    /**
     * Public operations, and why they take no bearer token. The device API and signed download links
     * have their own credentials and are checked here too (no or a garbage device token is 401).
     */
    static final Map<String, String> PUBLIC = new TreeMap<>(Map.ofEntries(
            Map.entry("POST /provision/activate", "device API: a device activates with its identity (whitelist or open provisioning)"),
            Map.entry("GET /onep:v1/stack/alias", "device API: the device token X-Exosite-CIK (checked: none or garbage is 401)"),
            Map.entry("POST /onep:v1/stack/alias", "device API: the device token X-Exosite-CIK (checked: none or garbage is 401)"),
            Map.entry("POST /onep:v1/stack/record", "device API: the device token X-Exosite-CIK (checked: none or garbage is 401)"),
            Map.entry("GET /provision/download", "device API: the device token X-Exosite-CIK (checked: none or garbage is 401)"),
            Map.entry("GET /timestamp", "device API: the platform's clock, public in Exosite's API"),
            Map.entry("GET /firmware/content/{id}", "signed download link: sig and expires are the credential (checked: a garbage sig is 403)"),
            Map.entry("GET /.well-known/openid-configuration", "OpenID discovery is public"),
            Map.entry("GET /oauth/jwks", "the token keys are public"),
            Map.entry("POST /oauth/token", "the token endpoint authenticates by its own grant (RFC 6749)"),
            Map.entry("POST /oauth/revoke", "token revocation authenticates by the token it is given (RFC 7009)"),
            Map.entry("POST /api/signup", "anyone may sign up"),
            Map.entry("POST /api/verify", "the emailed token is the credential"),
            Map.entry("POST /api/password-reset", "anyone may ask for a reset link (202 always)"),
            Map.entry("POST /api/password-reset/confirm", "the emailed token is the credential"),
            Map.entry("GET /vendor/{file}", "branding files are public"),
            Map.entry("GET /", "portal page (the portal's session cookie, not a bearer token)"),
            Map.entry("GET /account", "portal page"),
            Map.entry("POST /account/password", "portal page form"),
            Map.entry("GET /apps", "portal page"),
            Map.entry("GET /claim", "portal page"),
            Map.entry("POST /claim", "portal page form"),
            Map.entry("GET /devices", "portal page"),
            Map.entry("GET /devices/{identity}", "portal page (checked: without a session it shows no device)"),
            Map.entry("POST /devices/{identity}/update", "portal page form (checked: without a session it changes nothing)"),
            Map.entry("POST /devices/{identity}/decline", "portal page form (the CSRF check refuses a post without a session)"),
            Map.entry("GET /login", "portal page"),
            Map.entry("POST /login", "portal page form"),
            Map.entry("POST /logout", "portal page form"),
            Map.entry("GET /password-reset", "portal page"),
            Map.entry("POST /password-reset", "portal page form"),
            Map.entry("POST /password-reset/confirm", "portal page form"),
            Map.entry("GET /signup", "portal page"),
            Map.entry("POST /signup", "portal page form"),
            Map.entry("GET /verify", "portal page")));

    /**
     * Every operation with an object in its path: the status for user B (who owns nothing: another
     * user's object, or a role the route does not allow), user A on the device they own
     * ({@code owner}), the app on an object not routed to it ({@code app}) and on its own
     * ({@code routed}); {@code -} = not sent (it would succeed and change the object).
     */
    static final Map<String, Map<String, Integer>> ROWS = rows("""
            GET    /api/devices/{identity}                      other=404 owner=200 app=404 routed=200
            DELETE /api/devices/{identity}                      other=404 owner=403 app=404 routed=403
            POST   /api/devices/{identity}/reactivate           other=404 owner=403 app=404 routed=403
            PUT    /api/devices/{identity}/resources/{alias}    other=404 owner=403 app=404 routed=403
            GET    /api/devices/{identity}/tags                 other=404 owner=200 app=404 routed=200
            PUT    /api/devices/{identity}/tags/{name}          other=404 owner=403 app=404 routed=403
            DELETE /api/devices/{identity}/tags/{name}          other=404 owner=403 app=404 routed=403
            DELETE /api/ownership/{identity}                    other=404 owner=-   app=403 routed=403
            PUT    /api/ownership/{identity}/claim-code         other=404 owner=-   app=403 routed=403
            GET    /api/ownership/{identity}/history            other=403 owner=403 app=403 routed=403
            GET    /api/qr/devices/{file}                       other=403 owner=403 app=403 routed=403
            GET    /api/firmware/devices/{identity}             other=404 owner=200 app=403 routed=403
            POST   /api/firmware/devices/{identity}/update      other=404 owner=-   app=403 routed=403
            POST   /api/firmware/devices/{identity}/decline     other=404 owner=-   app=403 routed=403
            GET    /api/firmware/packages/{id}                  other=200 owner=200 app=403 routed=403
            DELETE /api/firmware/packages/{id}                  other=403 owner=403 app=403 routed=403
            GET    /api/firmware/rollouts/{id}                  other=403 owner=403 app=403 routed=403
            POST   /api/firmware/rollouts/{id}/abort            other=403 owner=403 app=403 routed=403
            POST   /api/firmware/rollouts/{id}/pause            other=403 owner=403 app=403 routed=403
            POST   /api/firmware/rollouts/{id}/resume           other=403 owner=403 app=403 routed=403
            GET    /api/users/{id}                              other=403 owner=403 app=403 routed=403
            PATCH  /api/users/{id}                              other=403 owner=403 app=403 routed=403
            DELETE /api/users/{id}                              other=403 owner=403 app=403 routed=403
            POST   /api/users/{id}/block                        other=403 owner=403 app=403 routed=403
            POST   /api/users/{id}/unblock                      other=403 owner=403 app=403 routed=403
            PUT    /api/users/{id}/password                     other=403 owner=403 app=403 routed=403
            GET    /api/users/{id}/data                         other=403 owner=403 app=403 routed=403
            PUT    /api/users/{id}/data/{key}                   other=403 owner=403 app=403 routed=403
            DELETE /api/users/{id}/data/{key}                   other=403 owner=403 app=403 routed=403
            GET    /api/clients/{id}                            other=403 owner=403 app=403 routed=403
            DELETE /api/clients/{id}                            other=403 owner=403 app=403 routed=403
            GET    /api/apps/{appId}                            other=403 owner=403 app=403 routed=403
            PUT    /api/apps/{appId}                            other=403 owner=403 app=403 routed=403
            DELETE /api/apps/{appId}                            other=403 owner=403 app=403 routed=403
            PUT    /vendor/{file}                               other=403 owner=403 app=403 routed=403
            DELETE /vendor/{file}                               other=403 owner=403 app=403 routed=403
            GET    /api/notifications/{id}                      other=403 owner=403 app=403 routed=403
            GET    /api/templates/{type}                        other=403 owner=403 app=403 routed=403
            PUT    /api/templates/{type}                        other=403 owner=403 app=403 routed=403
            DELETE /api/templates/{type}                        other=403 owner=403 app=403 routed=403
            POST   /api/templates/{type}/preview                other=403 owner=403 app=403 routed=403
            GET    /api/webhooks/{appId}                        other=403 owner=403 app=404 routed=200
            PUT    /api/webhooks/{appId}                        other=403 owner=403 app=404 routed=-
            DELETE /api/webhooks/{appId}                        other=403 owner=403 app=404 routed=-
            """);

    /** One request of the matrix and what it must answer. */
    record Check(String route, String caller, Call call, int expected) {
    }

    private final SweepFixture fixture;

    AuthorizationMatrix(SweepFixture fixture) {
        this.fixture = fixture;
    }

    /** The checks for one secured operation. */
    List<Check> checks(Operation op) {
        List<Check> checks = new ArrayList<>();
        String key = op.key();
        Call call = call(op, "owned");
        checks.add(new Check(key, "no token", call, 401));
        checks.add(new Check(key, "garbage token", call.bearer("garbage-" + SweepFixture.RUN), 401));
        checks.add(new Check(key, "forged token (user B's, claims rewritten to oem)", call.bearer(forged(fixture.userB.token)), 401));
        checks.add(new Check(key, "unsigned token (alg none, oem)", call.bearer(unsigned(fixture.userB.token)), 401));
        Map<String, Integer> row = ROWS.get(key);
        if (row != null) {
            add(checks, key, "user B (another user's object)", call.bearer(fixture.userB.token), row.get("other"));
            add(checks, key, "user A (owner)", call.bearer(fixture.userA.token), row.get("owner"));
            add(checks, key, "app (object not routed to it)", call(op, "foreign-to-app").bearer(fixture.appToken()), row.get("app"));
            add(checks, key, "app (object routed to it)", call(op, "routed").bearer(fixture.appToken()), row.get("routed"));
            if (op.method().equals("GET")) {
                checks.add(new Check(key, "oem (the object is real)", call.bearer(fixture.oemToken()), 200));
            }
        } else {
            // no object in the path: each role the route does not allow is 403
            if (!op.roles().contains("user")) {
                checks.add(new Check(key, "user (role not allowed)", call.bearer(fixture.userB.token), 403));
            }
            if (!op.roles().contains("app")) {
                checks.add(new Check(key, "app (role not allowed)", call.bearer(fixture.appToken()), 403));
            }
            if (!op.roles().contains("oem")) {
                checks.add(new Check(key, "oem (role not allowed)", call.bearer(fixture.oemToken()), 403));
            }
        }
        return checks;
    }

    /** Device-API and signed-link routes: their own credentials. */
    List<Check> ownCredentialChecks() {
        List<Check> checks = new ArrayList<>();
        String form = "application/x-www-form-urlencoded; charset=utf-8";
        Call read = Call.of("GET", "/onep:v1/stack/alias?data_in");
        Call write = Call.of("POST", "/onep:v1/stack/alias").body(form, "data_in=1".getBytes(StandardCharsets.UTF_8));
        Call record = Call.of("POST", "/onep:v1/stack/record").body(form, "alias=data_in&1700000000=1".getBytes(StandardCharsets.UTF_8));
        Call download = Call.of("GET", "/provision/download");
        for (Call call : List.of(read, write, record, download)) {
            String route = call.method() + " " + call.path().replaceAll("\\?.*", "");
            checks.add(new Check(route, "no device token", call, 401));
            checks.add(new Check(route, "garbage device token", call.header("X-Exosite-CIK", "0".repeat(40)), 401));
            checks.add(new Check(route, "a user's bearer token instead of a device token", call.bearer(fixture.userA.token), 401));
        }
        checks.add(new Check("GET /firmware/content/{id}", "garbage signature",
                Call.of("GET", "/firmware/content/" + fixture.packageId + "?expires=4102444800&sig=" + "ab".repeat(32)), 403));
        return checks;
    }

    /** Portal pages that name a device: without a session they show nothing of it and change nothing. */
    List<Call> pageCalls() {
        return List.of(Call.of("GET", "/devices/" + fixture.deviceOfA).header("Accept", "text/html"),
                Call.of("POST", "/devices/" + fixture.deviceOfA + "/update").header("Accept", "text/html")
                        .body("application/x-www-form-urlencoded", ("version=" + fixture.firmwareVersion).getBytes(StandardCharsets.UTF_8)));
    }

    private static void add(List<Check> checks, String route, String caller, Call call, Integer expected) {
        if (expected != null) {
            checks.add(new Check(route, caller, call, expected));
        }
    }

    /**
     * The request for an operation, its path filled with real objects: {@code owned} (user A's
     * device; the other objects of the fixture), {@code foreign-to-app} (an object the app may not
     * see), {@code routed} (the app's own).
     */
    Call call(Operation op, String which) {
        String path = op.path();
        for (OpenApiCatalog.Param param : op.in("path")) {
            path = path.replace("{" + param.name() + "}", value(op, param.name(), which));
        }
        Call call = Call.of(op.method(), path);
        String body = sampleBody(op);
        if (body != null) {
            call = call.json(body);
        }
        if (op.path().startsWith("/vendor/") && op.method().equals("PUT")) {
            call = call.body("application/json", "{}".getBytes(StandardCharsets.UTF_8));
        }
        return call;
    }

    String value(Operation op, String param, String which) {
        String path = op.path();
        return switch (param) {
            case "identity" -> which.equals("routed") ? fixture.deviceOfApp : fixture.deviceOfA;
            case "alias" -> "sweep_setting";
            case "name" -> "sweep";
            case "file" -> path.startsWith("/vendor") ? "branding.json" : fixture.deviceOfA + ".png";
            case "key" -> "app_" + fixture.appId;
            case "type" -> "signup";
            case "appId" -> path.startsWith("/api/webhooks") && which.equals("foreign-to-app") ? fixture.otherAppId : fixture.appId;
            case "id" -> {
                if (path.startsWith("/api/users")) {
                    yield fixture.userA.id;
                } else if (path.startsWith("/api/clients")) {
                    yield fixture.appId;
                } else if (path.startsWith("/api/firmware/packages") || path.startsWith("/firmware/content")) {
                    yield fixture.packageId;
                } else if (path.startsWith("/api/firmware/rollouts")) {
                    yield fixture.rolloutId;
                } else if (path.startsWith("/api/notifications")) {
                    yield fixture.notificationId;
                }
                throw new AssertionError("the sweep does not know which object {id} names in " + op);
            }
            default -> throw new AssertionError("the sweep does not know which object {" + param + "} names in " + op
                    + ": add it to AuthorizationMatrix.value");
        };
    }

    /** A body the route would accept from a caller allowed to use it (so that only authorization decides). */
    String sampleBody(Operation op) {
        if (op.jsonSchema() == null) {
            return null;
        }
        return BadInput.sample(op, fixture).toString();
    }

    /** User B's token with the payload rewritten to claim the oem role (the signature no longer matches). */
    static String forged(String token) {
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replaceAll("\"groups\"\\s*:\\s*\\[[^]]*]", "\"groups\":[\"oem\"]");
        return parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    }

    /** The same claims with {@code alg: none} and no signature. */
    static String unsigned(String token) {
        String[] parts = forged(token).split("\\.");
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        return header + "." + parts[1] + ".";
    }

    /** What the matrix must cover: every secured operation with an object in its path. */
    static Set<String> idRoutes(List<Operation> operations) {
        Set<String> routes = new TreeSet<>();
        operations.stream().filter(op -> !op.isPublic() && op.takesId()).forEach(op -> routes.add(op.key()));
        return routes;
    }

    static Reply send(SweepHttp http, Check check) {
        return http.send(check.call());
    }

    private static Map<String, Map<String, Integer>> rows(String table) {
        Map<String, Map<String, Integer>> rows = new TreeMap<>();
        table.lines().map(String::trim).filter(line -> !line.isEmpty()).forEach(line -> {
            String[] parts = line.split("\\s+");
            Map<String, Integer> row = new LinkedHashMap<>();
            for (int i = 2; i < parts.length; i++) {
                String[] cell = parts[i].split("=");
                row.put(cell[0], cell[1].equals("-") ? null : Integer.valueOf(cell[1]));
            }
            rows.put(parts[0] + " " + parts[1], row);
        });
        return rows;
    }
}
