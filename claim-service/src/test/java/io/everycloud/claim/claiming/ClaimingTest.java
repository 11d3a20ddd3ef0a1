package io.everycloud.claim.claiming;

import static io.everycloud.claim.Fixtures.asOem;
import static io.everycloud.claim.Fixtures.asUser;
import static io.everycloud.claim.Fixtures.claimBody;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.everycloud.claim.Fixtures;
import io.everycloud.claim.account.DefaultAppsRepository;
import io.everycloud.events.ClaimEvents;
import io.agroal.api.AgroalDataSource;
import io.everycloud.events.Envelope;
import io.everycloud.events.UserEvents;
import io.everycloud.testkit.EventProbe;
import io.everycloud.testkit.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

@QuarkusTest
class ClaimingTest {

    @TestHTTPResource("/api/claims")
    URL claimsUrl;

    @Inject
    DefaultAppsRepository defaultApps;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aCodeSharedByManyDevicesClaimsThemAllAtOnce() {
        String code = Fixtures.code();
        List<String> identities = List.of(Fixtures.identity("multi-a"), Fixtures.identity("multi-b"), Fixtures.identity("multi-c"));
        for (String identity : identities) {
            Fixtures.provision(identity, Fixtures.tags(code, Instant.now().plusSeconds(3600)));
        }
        UUID user = UUID.randomUUID();

        asUser(user).contentType("application/json").body(claimBody(code)).post("/api/claims")
                .then().statusCode(200).body("devices", containsInAnyOrder(identities.toArray()));

        for (String identity : identities) {
            ClaimEvents.OwnershipClaimed claimed = Fixtures.awaitOwnershipEvent(ClaimEvents.OwnershipClaimed.class, identity,
                    e -> e.userId().equals(user));
            assertThat(claimed.method()).isEqualTo(ClaimEvents.BY_CODE);
            assertThat(claimed.apps()).isEmpty();
        }
    }

    @Test
    void anUnknownCodeIsNotFound() {
        asUser(UUID.randomUUID()).contentType("application/json").body(claimBody("NO-SUCH-" + UUID.randomUUID()))
                .post("/api/claims").then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void anExpiredCodeIsRefusedWith410() {
        String identity = Fixtures.identity("expired");
        String code = Fixtures.code();
        Fixtures.provision(identity, Fixtures.tags(code, Instant.now().minusSeconds(60)));

        asUser(UUID.randomUUID()).contentType("application/json").body(claimBody(code)).post("/api/claims")
                .then().statusCode(410).contentType("application/problem+json").body("status", equalTo(410));
        assertThat(Fixtures.device(identity).orElseThrow().users()).isEmpty();
    }

    @Test
    void aDeviceOwnedBySomeoneElseIsRefusedWith409AndStaysTheirs() {
        String identity = Fixtures.identity("owned");
        String code = Fixtures.code();
        Fixtures.provision(identity, Fixtures.tags(code, null));
        UUID owner = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        asUser(owner).contentType("application/json").body(claimBody(code)).post("/api/claims").then().statusCode(200);

        asUser(other).contentType("application/json").body(claimBody(code)).post("/api/claims")
                .then().statusCode(409).contentType("application/problem+json");
        asUser(other).queryParam("code", code).get("/api/claims/preview")
                .then().statusCode(200).body("claimable", equalTo(false));
        // the owner claiming again is harmless
        asUser(owner).contentType("application/json").body(claimBody(code)).post("/api/claims")
                .then().statusCode(200).body("devices", contains(identity));
        assertThat(Fixtures.device(identity).orElseThrow().users()).containsExactly(owner);
    }

    @Test
    void usersClaimingTheSameCodeAtTheSameMomentExactlyOneWins() throws Exception {
        String code = Fixtures.code();
        List<String> identities = List.of(Fixtures.identity("race-a"), Fixtures.identity("race-b"));
        for (String identity : identities) {
            Fixtures.provision(identity, Fixtures.tags(code, null));
        }
        int contenders = 8;
        HttpClient http = HttpClient.newHttpClient();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(contenders);
        List<UUID> users = new ArrayList<>();
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < contenders; i++) {
                UUID user = UUID.randomUUID();
                users.add(user);
                HttpRequest request = HttpRequest.newBuilder(URI.create(claimsUrl.toString()))
                        .header("Authorization", Tokens.bearer(Tokens.user(user)))
                        .header("Content-Type", "application/json").header("X-Forwarded-For", Fixtures.address())
                        .POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"" + code + "\"}")).build();
                answers.add(pool.submit(() -> {
                    start.await();
                    return http.send(request, HttpResponse.BodyHandlers.ofString());
                }));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            UUID winner = null;
            for (int i = 0; i < contenders; i++) {
                int status = answers.get(i).get().statusCode();
                statuses.add(status);
                if (status == 200) {
                    winner = users.get(i);
                }
            }
            assertThat(statuses).containsOnly(200, 409);
            assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
            for (String identity : identities) {
                assertThat(Fixtures.device(identity).orElseThrow().users()).containsExactly(winner);
                asOem().get("/api/ownership/" + identity + "/history").then().statusCode(200)
                        .body("items", hasSize(1)).body("items[0].userId", equalTo(winner.toString()));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void previewShowsProductAndDeviceCountWithoutClaiming() {
        String code = Fixtures.code();
        Fixtures.provision(Fixtures.identity("preview-a"), Fixtures.tags(code, null));
        Fixtures.provision(Fixtures.identity("preview-b"), Fixtures.tags(code, null));

        asUser(UUID.randomUUID()).queryParam("code", code).get("/api/claims/preview").then().statusCode(200)
                .body("product", equalTo("dev-product")).body("deviceCount", equalTo(2)).body("claimable", equalTo(true));
        asUser(UUID.randomUUID()).contentType("application/json").body(claimBody(code)).post("/api/claims")
                .then().statusCode(200).body("devices", hasSize(2));
        asUser(UUID.randomUUID()).queryParam("code", "NOPE-" + UUID.randomUUID()).get("/api/claims/preview")
                .then().statusCode(404);
    }

    @Test
    void aMissingOrBlankCodeIsA400NamingTheField() {
        asUser(UUID.randomUUID()).contentType("application/json").body("{}").post("/api/claims")
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("code"));
        asUser(UUID.randomUUID()).contentType("application/json").body(claimBody("   ")).post("/api/claims")
                .then().statusCode(400).body("errors[0].field", equalTo("code"));
        asUser(UUID.randomUUID()).get("/api/claims/preview").then().statusCode(400).body("errors[0].field", equalTo("code"));
    }

    @Test
    void onlyEndUsersClaim() {
        given().contentType("application/json").body(claimBody("X")).post("/api/claims").then().statusCode(401);
        asOem().contentType("application/json").body(claimBody("X")).post("/api/claims").then().statusCode(403);
        given().header("Authorization", Tokens.bearer(Tokens.app("ext_1"))).contentType("application/json")
                .body(claimBody("X")).post("/api/claims").then().statusCode(403);
    }

    @Test
    void aBurstOfWrongGuessesIsStoppedPerUserAndNeverClaims() {
        String identity = Fixtures.identity("guessed");
        String code = Fixtures.code();
        Fixtures.provision(identity, Fixtures.tags(code, null));
        UUID guesser = UUID.randomUUID();
        String address = Fixtures.address();

        for (int i = 0; i < 5; i++) { // %test.claim.rate-limit.per-user=5
            given().header("Authorization", Tokens.bearer(Tokens.user(guesser))).header("X-Forwarded-For", address)
                    .contentType("application/json").body(claimBody("GUESS-" + i)).post("/api/claims").then().statusCode(404);
        }
        String retryAfter = given().header("Authorization", Tokens.bearer(Tokens.user(guesser)))
                .header("X-Forwarded-For", Fixtures.address()).contentType("application/json").body(claimBody(code))
                .post("/api/claims").then().statusCode(429).contentType("application/problem+json")
                .extract().header("Retry-After");
        assertThat(Long.parseLong(retryAfter)).isPositive();
        // previews count as attempts too: they would otherwise tell which codes exist
        given().header("Authorization", Tokens.bearer(Tokens.user(guesser))).queryParam("code", code)
                .get("/api/claims/preview").then().statusCode(429);
        assertThat(Fixtures.device(identity).orElseThrow().users()).isEmpty();
        asUser(UUID.randomUUID()).contentType("application/json").body(claimBody(code)).post("/api/claims")
                .then().statusCode(200);
    }

    @Test
    void wrongGuessesAreLimitedPerClientAddressAcrossUsers() {
        String address = Fixtures.address();
        for (int i = 0; i < 12; i++) { // %test.claim.rate-limit.per-address=12
            given().header("Authorization", Tokens.bearer(Tokens.user(UUID.randomUUID()))).header("X-Forwarded-For", address)
                    .contentType("application/json").body(claimBody("GUESS-" + i)).post("/api/claims").then().statusCode(404);
        }
        UUID fresh = UUID.randomUUID();
        given().header("Authorization", Tokens.bearer(Tokens.user(fresh))).header("X-Forwarded-For", address)
                .contentType("application/json").body(claimBody("GUESS-X")).post("/api/claims").then().statusCode(429)
                .header("Retry-After", org.hamcrest.Matchers.notNullValue());
        // the gateway appends the address it saw: only the last hop counts, not what the client wrote before it
        given().header("Authorization", Tokens.bearer(Tokens.user(fresh))).header("X-Forwarded-For", address + ", " + Fixtures.address())
                .contentType("application/json").body(claimBody("GUESS-Y")).post("/api/claims").then().statusCode(404);
    }

    @Test
    void aConcurrentBurstOfWrongGuessesStopsExactlyAtTheLimit() throws Exception {
        String identity = Fixtures.identity("burst");
        String code = Fixtures.code();
        Fixtures.provision(identity, Fixtures.tags(code, null));
        UUID guesser = UUID.randomUUID();
        int guesses = 12;
        HttpClient http = HttpClient.newHttpClient();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(guesses);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < guesses; i++) {
                // each from an address of its own: only the user's limit can stop them
                HttpRequest request = HttpRequest.newBuilder(URI.create(claimsUrl.toString()))
                        .header("Authorization", Tokens.bearer(Tokens.user(guesser)))
                        .header("Content-Type", "application/json").header("X-Forwarded-For", Fixtures.address())
                        .POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"BURST-" + i + "-" + UUID.randomUUID() + "\"}")).build();
                answers.add(pool.submit(() -> {
                    start.await();
                    return http.send(request, HttpResponse.BodyHandlers.ofString());
                }));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<HttpResponse<String>> answer : answers) {
                statuses.add(answer.get().statusCode());
            }
            // %test.claim.rate-limit.per-user=5: five guesses are answered, every other one is refused
            assertThat(statuses).containsOnly(404, 429);
            assertThat(statuses).filteredOn(s -> s == 404).hasSize(5);
        } finally {
            pool.shutdownNow();
        }
        given().header("Authorization", Tokens.bearer(Tokens.user(guesser))).header("X-Forwarded-For", Fixtures.address())
                .contentType("application/json").body(claimBody(code)).post("/api/claims").then().statusCode(429);
        assertThat(Fixtures.device(identity).orElseThrow().users()).isEmpty();
    }

    @Test
    void refusedAttemptsDoNotCountAgainstTheirAddressButFailedPreviewsDo() {
        UUID blocked = UUID.randomUUID();
        for (int i = 0; i < 5; i++) { // %test.claim.rate-limit.per-user=5, each from its own address
            asUser(blocked).queryParam("code", "PEEK-" + i).get("/api/claims/preview").then().statusCode(404);
        }
        String address = Fixtures.address();
        for (int i = 0; i < 20; i++) {
            given().header("Authorization", Tokens.bearer(Tokens.user(blocked))).header("X-Forwarded-For", address)
                    .contentType("application/json").body(claimBody("GUESS-" + i)).post("/api/claims").then().statusCode(429);
        }
        // the twenty refusals used none of the address's budget: twelve failures are still answered there
        UUID neighbour = UUID.randomUUID();
        for (int i = 0; i < 12; i++) { // %test.claim.rate-limit.per-address=12
            UUID user = i < 4 ? neighbour : UUID.randomUUID();
            given().header("Authorization", Tokens.bearer(Tokens.user(user))).header("X-Forwarded-For", address)
                    .contentType("application/json").body(claimBody("NEIGHBOUR-" + i)).post("/api/claims").then().statusCode(404);
        }
        given().header("Authorization", Tokens.bearer(Tokens.user(UUID.randomUUID()))).header("X-Forwarded-For", address)
                .contentType("application/json").body(claimBody("NEIGHBOUR-X")).post("/api/claims").then().statusCode(429);
    }

    @Test
    void successfulClaimsDoNotUseUpTheAttemptLimit() {
        UUID user = UUID.randomUUID();
        String address = Fixtures.address();
        for (int i = 0; i < 7; i++) {
            String code = Fixtures.code();
            Fixtures.provision(Fixtures.identity("many-" + i), Fixtures.tags(code, null));
            given().header("Authorization", Tokens.bearer(Tokens.user(user))).header("X-Forwarded-For", address)
                    .contentType("application/json").body(claimBody(code)).post("/api/claims").then().statusCode(200);
        }
        // nor do they write a counter: only failures do (a claim is one transaction with no limiter row)
        assertThat(attemptCounters(user, address)).isZero();
        given().header("Authorization", Tokens.bearer(Tokens.user(user))).header("X-Forwarded-For", address)
                .contentType("application/json").body(claimBody("WRONG-GUESS")).post("/api/claims").then().statusCode(404);
        assertThat(attemptCounters(user, address)).isEqualTo(2);
    }

    /** The limiter's counter rows of this user and this address (any window). */
    private long attemptCounters(UUID user, String address) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT count(*) FROM claim_attempt_window WHERE bucket IN (?, ?)")) {
            s.setString(1, "user:" + user);
            s.setString(2, "address:" + address);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theUsersDefaultAppsFromUserDataAreAnnouncedWithTheClaim() {
        UUID user = UUID.randomUUID();
        ObjectNode on = JsonNodeFactory.instance.objectNode().put("default", true);
        ObjectNode off = JsonNodeFactory.instance.objectNode().put("default", false);
        EventProbe.send(Envelope.of(user.toString(), new UserEvents.UserDataChanged(user, "app_i18ocqqozws800000", on, Instant.now())));
        EventProbe.send(Envelope.of(user.toString(), new UserEvents.UserDataChanged(user, "app_notdefault", off, Instant.now())));
        // the seed stores the options as a JSON string
        EventProbe.send(Envelope.of(user.toString(), new UserEvents.UserDataChanged(user, "app_ext_42",
                TextNode.valueOf("{\"default\": true}"), Instant.now())));
        EventProbe.send(Envelope.of(user.toString(), new UserEvents.UserDataChanged(user, "nickname", TextNode.valueOf("x"), Instant.now())));
        Fixtures.await(() -> defaultApps.of(user).size() == 2, "two default apps");

        String identity = Fixtures.identity("apps");
        String code = Fixtures.code();
        Fixtures.provision(identity, Fixtures.tags(code, null));
        asUser(user).contentType("application/json").body(claimBody(code)).post("/api/claims").then().statusCode(200);

        ClaimEvents.OwnershipClaimed claimed = Fixtures.awaitOwnershipEvent(ClaimEvents.OwnershipClaimed.class, identity, e -> true);
        assertThat(claimed.apps()).containsExactlyInAnyOrder("i18ocqqozws800000", "ext_42");

        // removing the data key (value null) removes the default
        EventProbe.send(Envelope.of(user.toString(), new UserEvents.UserDataChanged(user, "app_ext_42", null, Instant.now())));
        Fixtures.await(() -> defaultApps.of(user).equals(List.of("i18ocqqozws800000")), "ext_42 no longer a default");
    }

    @Test
    void theOemGeneratesStrongReadableCodes() {
        asOem().queryParam("count", "3").post("/api/claims/codes").then().statusCode(200)
                .body("codes", hasSize(3)).body("entropyBits", equalTo(80))
                .body("codes[0]", org.hamcrest.Matchers.matchesPattern("[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}"));
        asOem().queryParam("count", "0").post("/api/claims/codes").then().statusCode(400).body("errors[0].field", equalTo("count"));
        asOem().queryParam("count", "ten").post("/api/claims/codes").then().statusCode(400).body("errors[0].field", equalTo("count"));
        asUser(UUID.randomUUID()).post("/api/claims/codes").then().statusCode(403);
    }
}
