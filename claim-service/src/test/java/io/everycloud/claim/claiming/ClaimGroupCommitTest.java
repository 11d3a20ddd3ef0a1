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

        List<UUID> claimers = new ArrayList<>();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        HeldWriter held = hold(writer, "group-held");
        try {
            List<String> codes = new ArrayList<>(freeCodes);
            codes.addAll(List.of(ownedCode, expiredCode, "NO-SUCH-" + UUID.randomUUID(), freeCodes.get(0)));
            for (String code : codes) {
                UUID user = UUID.randomUUID();
                claimers.add(user);
                answers.add(claim(writer, user, code));
                // one at a time into the queue, so the order in the group is the order above
                int queued = answers.size();
                Fixtures.await(() -> queued() == queued, queued + " claims queued");
            }
            assertThat(held.answer()).isNotDone();
        } finally {
            held.release();
        }
        assertThat(held.answer().get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
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
        assertThat(Fixtures.device(held.identity()).orElseThrow().users()).containsExactly(held.holder());
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
        String spare = Fixtures.identity("queue-spare");
        String spareCode = Fixtures.code();
        Fixtures.provision(spare, Fixtures.tags(spareCode, null));
        List<CompletableFuture<HttpResponse<String>>> queued = new ArrayList<>();
        HttpResponse<String> refused;
        HeldWriter held = hold(writer, "queue-held");
        try {
            for (int i = 0; i < PLACES_PER_WRITER; i++) {
                queued.add(claim(writer, UUID.randomUUID(), "NO-SUCH-" + UUID.randomUUID()));
            }
            Fixtures.await(() -> queued() == PLACES_PER_WRITER, "the writer's queue full");
            // the queue is full: a claim of a real, free code is refused at once, and claims nothing
            refused = claim(writer, UUID.randomUUID(), spareCode).get(60, TimeUnit.SECONDS);
            assertThat(held.answer()).isNotDone();
        } finally {
            held.release();
        }
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isPositive());
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(refused.body());
        assertThat(problem.get("status").asInt()).isEqualTo(503);
        assertThat(problem.get("detail").asText()).contains("too many claims are waiting");
        assertThat(held.answer().get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        for (CompletableFuture<HttpResponse<String>> answer : queued) {
            assertThat(answer.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(404);
        }
        assertThat(Fixtures.device(spare).orElseThrow().users()).isEmpty();
        // the other writer was free all along
        UUID other = UUID.randomUUID();
        assertThat(claim(1 - writer, other, spareCode).get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(Fixtures.device(spare).orElseThrow().users()).containsExactly(other);
    }

    /** A writer kept busy: its claim of a device whose row the test holds locked waits for the lock. */
    private record HeldWriter(Connection lock, String identity, UUID holder, CompletableFuture<HttpResponse<String>> answer) {
        /** Lets the held claim go on (and closes the test's connection). */
        void release() throws SQLException {
            try (lock) {
                lock.rollback();
            }
        }
    }

    private HeldWriter hold(int writer, String prefix) throws SQLException {
        String identity = Fixtures.identity(prefix);
        String code = Fixtures.code();
        Fixtures.provision(identity, Fixtures.tags(code, null));
        UUID holder = UUID.randomUUID();
        Connection lock = dataSource.getConnection();
        try {
            lock.setAutoCommit(false);
            lockDevice(lock, identity);
            CompletableFuture<HttpResponse<String>> answer = claim(writer, holder, code);
            awaitClaimWaitingForLock();
            return new HeldWriter(lock, identity, holder, answer);
        } catch (SQLException | RuntimeException | Error e) {
            lock.close();
            throw e;
        }
    }

    /**
     * A claim sent from a fresh client address of the given writer (the claims of one address go to
     * writer hash(address) mod writers).
     */
    private CompletableFuture<HttpResponse<String>> claim(int writer, UUID user, String code) {
        String address;
        do {
            address = Fixtures.address();
        } while (Math.floorMod(address.hashCode(), WRITERS) != writer);
        HttpRequest request = HttpRequest.newBuilder(URI.create(claimsUrl.toString()))
                .header("Authorization", Tokens.bearer(Tokens.user(user)))
                .header("Content-Type", "application/json").header("X-Forwarded-For", address)
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
