package io.everycloud.e2e;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;

import io.everycloud.e2e.SweepHttp.Call;
import io.everycloud.e2e.SweepHttp.Reply;

/**
 * The real objects the API sweep points at, created through the public address as their owners
 * would: the OEM's devices, user A who claimed one of them, user B who owns nothing, a user the
 * bad-input cases may change at will (F) and one whose account they may change (V), two app
 * clients (one with a device routed to it and a webhook each), a firmware package and a rollout,
 * a managed app, user data, a notification. Tokens are fetched again when they get old (they
 * live five minutes).
 */
final class SweepFixture {

    static final String RUN = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
    static final Duration EVENTS = Duration.ofSeconds(90);

    final String oemEmail;
    final String oemPassword;
    final SweepHttp http;

    final String deviceOfA = "sw" + RUN + "-owned";
    final String deviceOfApp = "sw" + RUN + "-routed";
    final String fuzzDevice = "sw" + RUN + "-fuzz";
    final String codeOfA = "sweep-" + RUN + "-Fh4Qz8Lr";
    final String fuzzCode = "sweep-" + RUN + "-Xw2Rk7Mp";
    final String appId = "sweepapp" + RUN;
    final String otherAppId = "sweepother" + RUN;
    final String firmwareVersion = "9.9." + RUN;

    final Account userA = new Account("sweep-a-" + RUN + "@example.com", "Sweep-A-pass-" + RUN);
    final Account userB = new Account("sweep-b-" + RUN + "@example.com", "Sweep-B-pass-" + RUN);
    final Account userF = new Account("sweep-f-" + RUN + "@example.com", "Sweep-F-pass-" + RUN);
    final Account userV = new Account("sweep-v-" + RUN + "@example.com", "Sweep-V-pass-" + RUN);

    String appSecret;
    String otherAppSecret;
    String fuzzDeviceToken;
    String packageId;
    String rolloutId;
    String notificationId;

    private String oemToken;
    private String appToken;
    private String otherAppToken;
    private long tokensAt;

    /** A person's account: email, password, id once created, current access token. */
    static final class Account {
        final String email;
        final String password;
        String id;
        String token;

        Account(String email, String password) {
            this.email = email;
            this.password = password;
        }
    }

    SweepFixture(SweepHttp http, String oemEmail, String oemPassword) {
        this.http = http;
        this.oemEmail = oemEmail;
        this.oemPassword = oemPassword;
    }

    void create() {
        oemToken = login(oemEmail, oemPassword, "cli");
        for (Account account : List.of(userA, userB, userF, userV)) {
            Reply created = expect("create user " + account.email, oem(Call.of("POST", "/api/users")
                    .json(json(Map.of("email", account.email, "name", "Sweep user", "password", account.password, "role", "user")))), 201);
            account.id = created.json().path("id").asText();
        }
        for (String[] device : new String[][] { { deviceOfA, codeOfA }, { deviceOfApp, null }, { fuzzDevice, fuzzCode } }) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("identity", device[0]);
            if (device[1] != null) {
                body.put("claimCode", device[1]);
            }
            expect("create device " + device[0], oem(Call.of("POST", "/api/devices").json(json(body))), 201);
        }
        Reply activated = expect("activate " + fuzzDevice, http.send(Call.of("POST", "/provision/activate")
                .body("application/x-www-form-urlencoded; charset=utf-8", ("id=" + fuzzDevice).getBytes(StandardCharsets.UTF_8))), 200);
        fuzzDeviceToken = activated.body().trim();

        refreshTokens();
        Reply claimed = await("user A claims " + codeOfA, () -> http.send(Call.of("POST", "/api/claims").bearer(userA.token)
                .json(json(Map.of("code", codeOfA)))), r -> r.status() == 200, Duration.ofSeconds(5));
        if (!claimed.json().path("devices").toString().contains(deviceOfA)) {
            throw new AssertionError("sweep fixture: the claim did not answer " + deviceOfA + ": " + claimed);
        }

        Reply client = expect("create app client", oem(Call.of("POST", "/api/clients").json(json(Map.of("name", "Sweep app", "appId", appId)))), 201);
        appSecret = client.json().path("clientSecret").asText();
        Reply other = expect("create other app client", oem(Call.of("POST", "/api/clients")
                .json(json(Map.of("name", "Sweep other app", "appId", otherAppId)))), 201);
        otherAppSecret = other.json().path("clientSecret").asText();
        appToken = clientCredentials(appId, appSecret);
        otherAppToken = clientCredentials(otherAppId, otherAppSecret);
        expect("route a device to the app", oem(Call.of("PUT", "/api/devices/" + deviceOfApp + "/tags/apps").json(json(List.of(appId)))), 200);
        for (String app : List.of(appId, otherAppId)) {
            expectOk("webhook of " + app, oem(Call.of("PUT", "/api/webhooks/" + app)
                    .json(json(Map.of("url", "https://93.184.215.14/hooks/" + app, "secret", "sweep-secret-" + RUN)))));
        }
        expectOk("managed app", oem(Call.of("PUT", "/api/apps/" + appId)
                .json(json(Map.of("name", "Sweep app", "description", "the API sweep's app", "url", "https://example.com/app")))));
        expectOk("user data of A", oem(Call.of("PUT", "/api/users/" + userA.id + "/data/app_" + appId).json("{\"default\":true}")));

        expect("enable firmware updates", oem(Call.of("PUT", "/api/firmware/settings").json("{\"EnableFirmwareUpdate\":\"enabled\"}")), 200);
        Map<String, Object> configOtau = new LinkedHashMap<>();
        configOtau.put("version", firmwareVersion);
        configOtau.put("name", "sweep firmware");
        configOtau.put("description", "the API sweep's package");
        configOtau.put("type", "FILE");
        configOtau.put("payload", "sweep.bin");
        Multipart multipart = new Multipart()
                .file("file", "sweep.bin", "application/octet-stream", ("sweep " + RUN).repeat(100).getBytes(StandardCharsets.UTF_8))
                .file("metadata", "package_sweep.json", "application/json",
                        json(Map.of("author", "sweep", "product", "dev-product", "config_otau", configOtau)).getBytes(StandardCharsets.UTF_8));
        String contentType = multipart.contentType();
        Reply uploaded = expect("upload a firmware package", oem(Call.of("POST", "/api/firmware/packages").body(contentType, multipart.body())), 201);
        packageId = uploaded.json().path("id").asText();
        // a rollout to the fuzz device only (firmware-service must first learn its tag)
        expect("tag the fuzz device for a rollout", oem(Call.of("PUT", "/api/devices/" + fuzzDevice + "/tags/sweep-rollout")
                .json(json(List.of("yes")))), 200);
        Reply rollout = await("start a rollout to the fuzz device", () -> oem(Call.of("POST", "/api/firmware/rollouts")
                .json(json(Map.of("version", firmwareVersion, "tags", Map.of("sweep-rollout", List.of("yes")), "mode", "PUSH", "batchSize", 1)))),
                r -> r.status() == 201 || !r.body().contains("no device has these tags"), Duration.ofMillis(500));
        rolloutId = expect("start a rollout to the fuzz device", rollout, 201).json().path("id").asText();

        http.send(Call.of("POST", "/api/password-reset").json(json(Map.of("email", userV.email))));
        Reply notifications = await("a notification to user V is logged",
                () -> oem(Call.of("GET", "/api/notifications?to=" + URLEncoder.encode(userV.email, StandardCharsets.UTF_8))),
                r -> r.status() == 200 && r.json().path("items").size() > 0, Duration.ofMillis(500));
        notificationId = notifications.json().path("items").get(0).path("id").asText();

        await("user A sees the claimed device", () -> http.send(Call.of("GET", "/api/devices/" + deviceOfA).bearer(userA.token)),
                r -> r.status() == 200, Duration.ofMillis(500));
        await("the app sees the device routed to it", () -> http.send(Call.of("GET", "/api/devices/" + deviceOfApp).bearer(appToken)),
                r -> r.status() == 200, Duration.ofMillis(500));
        await("firmware-service knows user A owns the device", () -> http.send(Call.of("GET", "/api/firmware/devices/" + deviceOfA)
                .bearer(userA.token)), r -> r.status() == 200, Duration.ofMillis(500));
        await("claim-service knows user A owns the device (B cannot release it)", () -> http.send(Call.of("GET", "/api/ownership/"
                + deviceOfA + "/history").bearer(oemToken)), r -> r.status() == 200 && r.json().path("items").size() > 0, Duration.ofMillis(500));
    }

    /** Logs everybody in again when the tokens are more than two minutes old. */
    void refreshTokens() {
        if (System.nanoTime() - tokensAt < Duration.ofMinutes(2).toNanos() && userA.token != null) {
            return;
        }
        oemToken = login(oemEmail, oemPassword, "cli");
        // V's password is changed by the bad input; F's may be locked by wrong current passwords:
        // they keep the token they had
        for (Account account : List.of(userA, userB, userF)) {
            try {
                account.token = login(account.email, account.password, "portal");
            } catch (AssertionError e) {
                if (account != userF || account.token == null) {
                    throw e;
                }
            }
        }
        if (appSecret != null) {
            appToken = clientCredentials(appId, appSecret);
            otherAppToken = clientCredentials(otherAppId, otherAppSecret);
        }
        tokensAt = System.nanoTime();
    }

    String oemToken() {
        return oemToken;
    }

    String appToken() {
        return appToken;
    }

    String otherAppToken() {
        return otherAppToken;
    }

    Reply oem(Call call) {
        return http.send(call.bearer(oemToken));
    }

    String login(String email, String password, String client) {
        Reply reply = http.send(Call.of("POST", "/oauth/token").body("application/x-www-form-urlencoded",
                DeviceSimulator.form(Map.of("grant_type", "password", "username", email, "password", password, "client_id", client))
                        .getBytes(StandardCharsets.UTF_8)));
        if (reply.status() != 200) {
            throw new AssertionError("sweep fixture: login of " + email + " answered " + reply);
        }
        return reply.json().path("access_token").asText();
    }

    String clientCredentials(String clientId, String secret) {
        Reply reply = http.send(Call.of("POST", "/oauth/token").body("application/x-www-form-urlencoded",
                DeviceSimulator.form(Map.of("grant_type", "client_credentials", "client_id", clientId, "client_secret", secret))
                        .getBytes(StandardCharsets.UTF_8)));
        if (reply.status() != 200) {
            throw new AssertionError("sweep fixture: client credentials of " + clientId + " answered " + reply);
        }
        return reply.json().path("access_token").asText();
    }

    static String json(Object value) {
        return PublicApi.json(value);
    }

    private static Reply expect(String step, Reply reply, int status) {
        if (reply.status() != status) {
            throw new AssertionError("sweep fixture, step: " + step + ": expected " + status + ", answered " + reply);
        }
        return reply;
    }

    private static Reply expectOk(String step, Reply reply) {
        if (reply.status() < 200 || reply.status() > 299) {
            throw new AssertionError("sweep fixture, step: " + step + ": answered " + reply);
        }
        return reply;
    }

    private static Reply await(String step, Supplier<Reply> request, Predicate<Reply> done, Duration pause) {
        long deadline = System.nanoTime() + EVENTS.toNanos();
        Reply last = request.get();
        while (!done.test(last) && System.nanoTime() < deadline) {
            PublicApi.sleep(pause);
            last = request.get();
        }
        if (!done.test(last)) {
            throw new AssertionError("sweep fixture, step: " + step + " within " + EVENTS.toSeconds() + " s; last answer: " + last);
        }
        return last;
    }

    static String randomUuid() {
        return UUID.randomUUID().toString();
    }

    /** The body of a JSON answer, for messages. */
    static String text(JsonNode node) {
        return node == null ? "" : node.toString();
    }
}
