package io.everycloud.claim.claiming;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.agroal.api.AgroalDataSource;
import io.everycloud.claim.Fixtures;
import io.everycloud.testkit.Tokens;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The group commit of claims ({@code claim.claims.*}; the test profile has 2 writers and 64 places,
 * 32 per writer). A claim of a device whose row the test holds locked keeps its writer busy, so
 * the claims sent meanwhile wait in that writer's queue, deterministically.
 */
@QuarkusTest
class ClaimGroupCommitTest {

    private static final int WRITERS = 2;
    private static final int PLACES_PER_WRITER = 32;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/api/claims")
    URL claimsUrl;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    MeterRegistry meters;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void claimsThatWaitForTheirWriterAreDecidedTogetherInOrderEachWithItsOwnAnswer() throws Exception {
        int writer = 0;
        String held = Fixtures.identity("group-held");
        String heldCode = Fixtures.code();
        Fixtures.provision(held, Fixtures.tags(heldCode, null));
        List<String> free = new ArrayList<>();
        List<String> freeCodes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            free.add(Fixtures.identity("group-free-" + i));
            freeCodes.add(Fixtures.code());
            Fixtures.provision(free.get(i), Fixtures.tags(freeCodes.get(i), null));
        }
        String owned = Fixtures.identity("group-owned");
        String ownedCode = Fixtures.code();
        UUID owner = UUID.randomUUID();
        Fixtures.provision(owned, Fixtures.tags(ownedCode, null, owner));
        String expired = Fixtures.identity("group-expired");
        String expiredCode = Fixtures.code();
        Fixtures.provision(expired, Fixtures.tags(expiredCode, Instant.now().minusSeconds(60)));

        UUID holder = userOfWriter(writer);
        List<UUID> claimers = new ArrayList<>();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        CompletableFuture<HttpResponse<String>> heldAnswer;
        try (Connection lock = dataSource.getConnection()) {
            lock.setAutoCommit(false);
            lockDevice(lock, held);
            heldAnswer = claim(holder, heldCode);
            awaitClaimWaitingForLock();
            List<String> codes = new ArrayList<>(freeCodes);
            codes.addAll(List.of(ownedCode, expiredCode, "NO-SUCH-" + UUID.randomUUID(), freeCodes.get(0)));
            for (String code : codes) {
                UUID user = userOfWriter(writer);
                claimers.add(user);
                answers.add(claim(user, code));
                // one at a time into the queue, so the order in the group is the order above
                int queued = answers.size();
                Fixtures.await(() -> queued() == queued, queued + " claims queued");
            }
            assertThat(heldAnswer).isNotDone();
            lock.rollback();
        }
        assertThat(heldAnswer.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        List<Integer> statuses = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            statuses.add(answer.get(60, TimeUnit.SECONDS).statusCode());
        }
        // three free devices, one owned by another, one expired, an unknown code, then the first free code again
        assertThat(statuses).containsExactly(200, 200, 200, 409, 410, 404, 409);
        for (int i = 0; i < 3; i++) {
            JsonNode body = JSON.readTree(answers.get(i).get().body());
            assertThat(body.get("devices").get(0).asText()).isEqualTo(free.get(i));
            assertThat(Fixtures.device(free.get(i)).orElseThrow().users()).containsExactly(claimers.get(i));
        }
        assertThat(Fixtures.device(owned).orElseThrow().users()).containsExactly(owner);
        assertThat(Fixtures.device(expired).orElseThrow().users()).isEmpty();
        assertThat(Fixtures.device(held).orElseThrow().users()).containsExactly(holder);
        JsonNode conflict = JSON.readTree(answers.get(6).get().body());
        assertThat(conflict.get("status").asInt()).isEqualTo(409);
        assertThat(answers.get(6).get().headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        // the seven waited for the held claim's writer and were committed as one group
        assertThat(largestGroup()).isGreaterThanOrEqualTo(7);
    }

    @Test
    void claimsBeyondTheirWritersQueueAreAnswered503WithRetryAfterAndWriteNothing() throws Exception {
        int writer = 1;
        String held = Fixtures.identity("queue-held");
        String heldCode = Fixtures.code();
        Fixtures.provision(held, Fixtures.tags(heldCode, null));
        String spare = Fixtures.identity("queue-spare");
        String spareCode = Fixtures.code();
        Fixtures.provision(spare, Fixtures.tags(spareCode, null));
        UUID holder = userOfWriter(writer);
        List<CompletableFuture<HttpResponse<String>>> queued = new ArrayList<>();
        CompletableFuture<HttpResponse<String>> heldAnswer;
        HttpResponse<String> refused;
        try (Connection lock = dataSource.getConnection()) {
            lock.setAutoCommit(false);
            lockDevice(lock, held);
            heldAnswer = claim(holder, heldCode);
            awaitClaimWaitingForLock();
            for (int i = 0; i < PLACES_PER_WRITER; i++) {
                queued.add(claim(userOfWriter(writer), "NO-SUCH-" + UUID.randomUUID()));
            }
            Fixtures.await(() -> queued() == PLACES_PER_WRITER, "the writer's queue full");
            // the queue is full: a claim of a real, free code is refused at once, and claims nothing
            refused = claim(userOfWriter(writer), spareCode).get(60, TimeUnit.SECONDS);
            assertThat(heldAnswer).isNotDone();
            lock.rollback();
        }
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isPositive());
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(refused.body());
        assertThat(problem.get("status").asInt()).isEqualTo(503);
        assertThat(problem.get("detail").asText()).contains("too many claims are waiting");
        assertThat(heldAnswer.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        for (CompletableFuture<HttpResponse<String>> answer : queued) {
            assertThat(answer.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(404);
        }
        assertThat(Fixtures.device(spare).orElseThrow().users()).isEmpty();
        // the other writer was free all along
        UUID other = userOfWriter(1 - writer);
        assertThat(claim(other, spareCode).get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(Fixtures.device(spare).orElseThrow().users()).containsExactly(other);
    }

    /** A fresh user whose claims go to the given writer (a user's claims go to writer hash(user) mod writers). */
    private static UUID userOfWriter(int writer) {
        while (true) {
            UUID user = UUID.randomUUID();
            if (Math.floorMod(user.hashCode(), WRITERS) == writer) {
                return user;
            }
        }
    }

    private CompletableFuture<HttpResponse<String>> claim(UUID user, String code) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(claimsUrl.toString()))
                .header("Authorization", Tokens.bearer(Tokens.user(user)))
                .header("Content-Type", "application/json").header("X-Forwarded-For", Fixtures.address())
                .POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"" + code + "\"}")).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void lockDevice(Connection lock, String identity) throws SQLException {
        try (PreparedStatement s = lock.prepareStatement("SELECT identity FROM device WHERE identity = ? FOR UPDATE")) {
            s.setString(1, identity);
            try (ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).isTrue();
            }
        }
    }

    /** Waits until a claim's statement waits for a row lock (the test's). */
    private void awaitClaimWaitingForLock() {
        Fixtures.await(() -> {
            try (Connection c = dataSource.getConnection();
                    PreparedStatement s = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                            + "AND wait_event_type = 'Lock' AND query LIKE '%claim_attempt_allowed%'");
                    ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1) > 0;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }, "a claim waiting for the held device");
    }

    private double queued() {
        return meters.get("claim.claims.queued").gauge().value();
    }

    private double largestGroup() {
        return meters.get("claim.claims.group.size").summary().max();
    }
}
