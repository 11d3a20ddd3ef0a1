package io.everycloud.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import io.everycloud.e2e.ApiContract.Route;
import io.everycloud.e2e.AuthorizationMatrix.Check;
import io.everycloud.e2e.BadInput.Case;
import io.everycloud.e2e.BadInput.Expect;
import io.everycloud.e2e.OpenApiCatalog.Operation;
import io.everycloud.e2e.SweepHttp.Call;
import io.everycloud.e2e.SweepHttp.Reply;

/**
 * The whole HTTP surface, swept on the local suite through http://localhost:8080: every route of
 * API.md exists in its service's OpenAPI and is routed to it; every secured operation refuses
 * callers without a valid token (401), with a role it does not allow (403), and objects a caller
 * may not see (404) as the authorization matrix says, for 100% of the operations that name an
 * object; and every operation that takes a body or parameters answers bad input with a 4xx
 * problem+json, never a 5xx. Its own suite: {@code deploy/e2e/target/sweep-data}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApiSweepIT {

    @RegisterExtension
    static final SuiteExtension suite = SuiteExtension.forClass("sweep-data")
            .withOem("sweep-operator@example.com", "Sweep-oem-")
            .env("EVERYCLOUD_PRODUCT_ID", "dev-product")
            .env("EnableFirmwareUpdate", "disabled");
    static SweepHttp http;
    static OpenApiCatalog catalog;
    static SweepFixture fixture;

    @BeforeAll
    static void createTheObjects() throws Exception {
        http = new SweepHttp(SuiteProcess.ADDRESS);
        catalog = OpenApiCatalog.load();
        fixture = new SweepFixture(http, suite.oemEmail(), suite.oemPassword());
        fixture.create();
    }

    /**
     * The packaged services prepare their OpenAPI document on its first request (the kit's
     * LazyOpenApiDocumentService, a bean of the prod build only); the catalog read its JSON form, and
     * the YAML form is the same document.
     */
    @Test
    @Order(0)
    void everyServiceServesItsOpenApiDocumentAsYamlToo() {
        OpenApiCatalog.PORTS.forEach((service, port) -> {
            PublicApi.Answer answer = PublicApi.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/q/openapi?format=yaml")).GET());
            assertThat(answer.status()).as(service + " /q/openapi?format=yaml").isEqualTo(200);
            assertThat(answer.body()).as(service + " YAML document").contains("openapi: 3.");
            List<String> paths = catalog.operations().stream().filter(op -> op.service().equals(service))
                    .map(Operation::path).distinct().toList();
            assertThat(paths).as(service + " operations in the JSON document").isNotEmpty();
            assertThat(answer.body()).as(service + " YAML document's paths").contains(paths);
        });
    }

    @Test
    @Order(1)
    void everyRouteOfTheContractIsInItsServicesOpenApiAndRoutedThroughTheOneAddress() {
        List<String> missing = new ArrayList<>();
        for (Route route : ApiContract.ROUTES) {
            boolean found = catalog.operations().stream().anyMatch(op -> op.service().equals(route.service())
                    && op.method().equals(route.method()) && op.matches(route.sample()));
            if (!found) {
                missing.add(route.toString());
            }
        }
        assertThat(missing).as("API.md routes missing from their service's /q/openapi").isEmpty();

        List<String> unreachable = new ArrayList<>();
        for (Route route : ApiContract.ROUTES) {
            check(route.service(), route.method(), route.sample(), unreachable);
        }
        for (Operation op : catalog.operations()) {
            check(op.service(), op.method(), op.path().replaceAll("\\{[^}]+}", "sweep-sample"), unreachable);
        }
        System.out.printf("contract: %d API.md routes, %d OpenAPI operations, all routed through %s%n",
                ApiContract.ROUTES.size(), catalog.operations().size(), SuiteProcess.ADDRESS);
        assertThat(unreachable).as("routes not reaching their service through " + SuiteProcess.ADDRESS).isEmpty();
    }

    /** Without a token (nothing changes): the answer must come from the owning service and be no "no such route". */
    private static void check(String service, String method, String path, List<String> unreachable) {
        Call call = Call.of(method, path);
        if (!method.equals("GET") && !method.equals("DELETE")) {
            call = path.startsWith("/onep") || path.startsWith("/provision") || path.startsWith("/oauth") || BadInput.isPage(path)
                    ? call.body(BadInput.FORM, new byte[0]) : call.json("{}");
        }
        if (BadInput.isPage(path)) {
            call = call.header("Accept", "text/html");
        }
        Reply reply = http.send(call);
        String answeredBy = reply.header("X-EveryCloud-Service");
        String detail = reply.json().path("detail").asText("");
        boolean unmatched = reply.status() == 404 && (detail.equals("no such resource") || detail.startsWith("No service answers"));
        if (!service.equals(answeredBy) || unmatched || reply.status() == 405) {
            unreachable.add(method + " " + path + " (owner " + service + "): answered by " + answeredBy + " " + reply);
        }
    }

    @Test
    @Order(2)
    void everySecuredRouteRefusesCallersItMustRefuse() {
        fixture.refreshTokens();
        Set<String> idRoutes = AuthorizationMatrix.idRoutes(catalog.operations());
        assertThat(AuthorizationMatrix.ROWS.keySet()).as("the matrix rows are exactly the OpenAPI operations with an object in the path"
                + " (a new route needs a row)").containsExactlyInAnyOrderElementsOf(idRoutes);
        Set<String> publicOps = new TreeSet<>();
        catalog.operations().stream().filter(Operation::isPublic).forEach(op -> publicOps.add(op.key()));
        assertThat(publicOps).as("operations without a security requirement are exactly the justified public ones"
                + " (AuthorizationMatrix.PUBLIC)").containsExactlyInAnyOrderElementsOf(AuthorizationMatrix.PUBLIC.keySet());

        AuthorizationMatrix matrix = new AuthorizationMatrix(fixture);
        List<Check> checks = new ArrayList<>();
        catalog.operations().stream().filter(op -> !op.isPublic()).forEach(op -> checks.addAll(matrix.checks(op)));
        checks.addAll(matrix.ownCredentialChecks());
        Set<String> covered = new TreeSet<>();
        List<String> wrong = new ArrayList<>();
        Map<Integer, Integer> byStatus = new TreeMap<>();
        for (Check check : checks) {
            Reply reply;
            try {
                reply = http.send(check.call());
            } catch (AssertionError e) {
                wrong.add(check.route() + " as " + check.caller() + ": no HTTP answer: " + e.getMessage());
                continue;
            }
            byStatus.merge(reply.status(), 1, Integer::sum);
            covered.add(check.route());
            if (reply.status() != check.expected()) {
                wrong.add(check.route() + " as " + check.caller() + ": expected " + check.expected() + ", answered " + reply
                        + "\n      request: " + check.call());
            } else if (reply.status() >= 400) {
                String problem = problemDefect(reply);
                if (problem != null) {
                    wrong.add(check.route() + " as " + check.caller() + ": " + problem);
                }
            }
        }
        for (Call page : matrix.pageCalls()) {
            Reply reply = http.send(page);
            if (reply.status() >= 200 && reply.status() < 300 && reply.body().contains(fixture.deviceOfA)) {
                wrong.add("portal page " + page + " without a session shows the device: " + reply);
            }
            if (reply.status() >= 500) {
                wrong.add("portal page " + page + " without a session: " + reply);
            }
        }
        Reply firmware = fixture.oem(Call.of("GET", "/api/firmware/devices/" + fixture.deviceOfA));
        if (!firmware.json().path("currentUpdate").isMissingNode() && !firmware.json().path("currentUpdate").isNull()) {
            wrong.add("an update of " + fixture.deviceOfA + " was requested by a caller that may not: " + firmware);
        }
        Reply stillOwned = http.send(Call.of("GET", "/api/devices/" + fixture.deviceOfA).bearer(fixture.userA.token));
        if (stillOwned.status() != 200) {
            wrong.add("user A lost their device during the matrix (a refused caller changed it): " + stillOwned);
        }
        System.out.printf("authorization matrix: %d checks over %d routes (%d with an object in the path), by status %s%n",
                checks.size(), covered.size(), idRoutes.size(), byStatus);
        Set<String> securedOps = new TreeSet<>();
        catalog.operations().stream().filter(op -> !op.isPublic()).forEach(op -> securedOps.add(op.key()));
        assertThat(covered).as("routes the matrix covered").containsAll(securedOps).containsAll(idRoutes);
        assertThat(wrong).as("authorization answers that differ from API.md (%d of %d checks)", wrong.size(), checks.size()).isEmpty();
    }

    @Test
    @Order(3)
    void badInputIsAProblemNeverAServerError() throws Exception {
        fixture.refreshTokens();
        Map<String, JsonNode> current = new LinkedHashMap<>();
        for (String path : List.of("/api/product", "/api/settings", "/api/templates/globals", "/api/templates/signup", "/vendor/branding.json")) {
            Reply reply = fixture.oem(Call.of("GET", path));
            if (reply.status() == 200) {
                current.put("GET " + path.replace("/api/templates/signup", "/api/templates/{type}").replace("/vendor/branding.json", "/vendor/branding.json"),
                        reply.json());
            }
        }
        if (current.containsKey("GET /api/templates/{type}")) {
            JsonNode template = current.get("GET /api/templates/{type}");
            current.put("GET /api/templates/{type}", OpenApiCatalog.parse(SweepFixture.json(Map.of(
                    "subject", template.path("subject").asText(), "html", template.path("html").asText(), "text", template.path("text").asText()))));
        }
        BadInput generator = new BadInput(fixture, new AuthorizationMatrix(fixture), current);

        List<Operation> swept = catalog.operations().stream()
                .filter(op -> !op.params().isEmpty() || !op.bodies().isEmpty()).toList();
        // public routes with login throttles go last: their failed attempts may refuse this address for a while
        List<Operation> first = swept.stream().filter(op -> !op.isPublic()).toList();
        List<Operation> last = swept.stream().filter(Operation::isPublic).toList();

        Map<String, Integer> byStatus = new ConcurrentHashMap<>();
        Map<String, Integer> byKind = new ConcurrentHashMap<>();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger total = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            for (List<Operation> batch : List.of(first, last)) {
                List<Future<?>> running = new ArrayList<>();
                for (Operation op : batch) {
                    boolean refresh = batch == first;
                    running.add(pool.submit(() -> {
                        if (refresh) {
                            synchronized (fixture) {
                                fixture.refreshTokens();
                            }
                        }
                        for (Case c : generator.cases(op)) {
                            Reply reply;
                            try {
                                reply = c.oversize()
                                        ? http.oversize(c.op().method(), c.call().path(), c.token(), contentTypeOf(c), c.declared())
                                        : http.send(c.call());
                            } catch (AssertionError | RuntimeException e) {
                                total.incrementAndGet();
                                byStatus.merge("no answer", 1, Integer::sum);
                                failures.add(c.describe() + "\n      -> no HTTP answer: " + e.getMessage());
                                continue;
                            }
                            total.incrementAndGet();
                            byStatus.merge(Integer.toString(reply.status()), 1, Integer::sum);
                            byKind.merge(c.kind(), 1, Integer::sum);
                            String defect = defect(c, reply);
                            if (defect != null) {
                                failures.add(c.describe() + "\n      -> " + defect);
                            }
                        }
                    }));
                }
                for (Future<?> future : running) {
                    future.get();
                }
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.printf("bad input: %d operations x their cases = %d requests; by status %s; by kind %s; %d defects%n",
                swept.size(), total.get(), new TreeMap<>(byStatus), new TreeMap<>(byKind), failures.size());
        failures.stream().limit(200).forEach(f -> System.out.println("  DEFECT " + f));
        assertThat(failures).as("bad input answered with a 5xx, without problem+json, or with the wrong status (%d of %d)",
                failures.size(), total.get()).isEmpty();
    }

    private static String contentTypeOf(Case c) {
        Map<String, JsonNode> bodies = c.op().bodies();
        if (bodies.containsKey("application/json")) {
            return "application/json";
        }
        if (bodies.containsKey("multipart/form-data")) {
            return "multipart/form-data; boundary=sweep";
        }
        if (bodies.containsKey("text/csv")) {
            return "text/csv";
        }
        if (c.op().path().startsWith("/vendor")) {
            return "application/json";
        }
        return BadInput.FORM;
    }

    /** What is wrong with an answer to a bad-input case, or null. */
    static String defect(Case c, Reply reply) {
        int status = reply.status();
        if (status >= 500) {
            return "server error " + reply;
        }
        if (c.expect() == Expect.CLIENT_ERROR && (status < 400 || status > 499)) {
            return "expected a 4xx, answered " + reply;
        }
        if (c.expect() == Expect.TOO_LARGE && status != 413) {
            return "expected 413 above the documented limit, answered " + reply;
        }
        if (status == 401 && c.token() != null) {
            return "401 although the token is valid: " + reply;
        }
        if (reply.contentType() != null && reply.contentType().startsWith("text/html") && reply.body().contains("<script>alert(1)</script>")) {
            return "the page reflects the injected script unescaped";
        }
        if (status >= 400 && BadInput.LEAK.matcher(reply.body()).find()) {
            return "the answer shows implementation details: " + reply;
        }
        if (status < 400) {
            return null;
        }
        String path = c.op().path();
        if (BadInput.isPage(path)) {
            return null;
        }
        if (path.startsWith("/oauth/") && status != 413) {
            return reply.json().path("error").isTextual() ? null : "not an RFC 6749 error: " + reply;
        }
        if (c.op().key().equals("POST /onep:v1/stack/record") && status == 409) {
            return null;
        }
        return problemDefect(reply);
    }

    /** Is a 4xx answer a proper problem: problem+json, its status the HTTP status, a 400 saying what is wrong? */
    static String problemDefect(Reply reply) {
        if (reply.contentType() == null || !reply.contentType().startsWith("application/problem+json")) {
            return "not application/problem+json: " + reply;
        }
        JsonNode problem = reply.json();
        if (problem.path("status").asInt() != reply.status()) {
            return "the problem's status is not the HTTP status: " + reply;
        }
        if (reply.status() == 400 && problem.path("errors").isEmpty() && problem.path("detail").asText("").isBlank()) {
            return "a 400 without errors or detail: " + reply;
        }
        return null;
    }
}
