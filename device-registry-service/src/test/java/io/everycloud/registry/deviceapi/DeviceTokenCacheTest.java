package io.everycloud.registry.deviceapi;

import static io.everycloud.registry.Fleet.newIdentity;
import static io.everycloud.registry.Fleet.oem;
import static io.everycloud.registry.Fleet.post;
import static io.everycloud.registry.Fleet.provision;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.everycloud.events.RegistryEvents;
import io.everycloud.events.Topics;
import io.everycloud.registry.Await;
import io.everycloud.registry.Fleet;
import io.everycloud.testkit.EventProbe;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Device tokens are remembered after their first check (no database query per request); what
 * ends a token, or changes where its data goes, takes effect at once on this replica and, through
 * the database's notification or at the latest after the cache's TTL, on every other one.
 */
@QuarkusTest
class DeviceTokenCacheTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aResetDeviceIsRefusedAtOnceEvenRightAfterUsingItsToken() {
        String identity = newIdentity("cache-reset");
        String token = Fleet.provisionAndActivate(identity);
        assertThat(post("/onep:v1/stack/alias", token, "a=1").statusCode()).isEqualTo(204);
        assertThat(post("/onep:v1/stack/alias", token, "a=2").statusCode()).isEqualTo(204);

        given().header("Authorization", oem()).when().post("/api/devices/{id}/reactivate", identity).then().statusCode(200);

        assertThat(post("/onep:v1/stack/alias", token, "a=3").statusCode()).isEqualTo(401);
        assertThat(Fleet.get("/onep:v1/stack/alias?a", token).statusCode()).isEqualTo(401);
    }

    @Test
    void aDeletedDeviceIsRefusedAtOnceEvenRightAfterUsingItsToken() {
        String identity = newIdentity("cache-delete");
        String token = Fleet.provisionAndActivate(identity);
        assertThat(post("/onep:v1/stack/alias", token, "a=1").statusCode()).isEqualTo(204);

        given().header("Authorization", oem()).when().delete("/api/devices/{id}", identity).then().statusCode(204);

        assertThat(post("/onep:v1/stack/alias", token, "a=2").statusCode()).isEqualTo(401);
    }

    @Test
    void aResetCommittedByAnotherReplicaIsRefusedHereOnceItsNotificationArrives() throws Exception {
        String identity = newIdentity("cache-replica");
        String token = Fleet.provisionAndActivate(identity);
        assertThat(post("/onep:v1/stack/alias", token, "a=1").statusCode()).isEqualTo(204);

        // what another replica's reset commits: the row and its NOTIFY, in one transaction
        try (Connection other = otherReplica()) {
            other.setAutoCommit(false);
            try (PreparedStatement reset = other.prepareStatement(
                    "UPDATE device SET status = 'provisioned', token_hash = NULL, activated_at = NULL WHERE identity = ?");
                    PreparedStatement notify = other.prepareStatement("SELECT pg_notify(?, ?)")) {
                reset.setString(1, identity);
                assertThat(reset.executeUpdate()).isEqualTo(1);
                notify.setString(1, DeviceTokenCache.CHANNEL);
                notify.setString(2, identity);
                notify.executeQuery().close();
            }
            other.commit();
        }

        Await.until("the token is refused", () -> post("/onep:v1/stack/alias", token, "a=2").statusCode() == 401);
    }

    @Test
    void aChangeWhoseNotificationWasLostIsRefusedOnceTheCachedTokenExpires() throws Exception {
        String identity = newIdentity("cache-lost");
        String token = Fleet.provisionAndActivate(identity);
        assertThat(post("/onep:v1/stack/alias", token, "a=1").statusCode()).isEqualTo(204);

        // a delete this replica is not told about (no NOTIFY): the TTL (3 s in tests) bounds it
        try (Connection other = otherReplica();
                PreparedStatement delete = other.prepareStatement("DELETE FROM device WHERE identity = ?")) {
            delete.setString(1, identity);
            assertThat(delete.executeUpdate()).isEqualTo(1);
        }

        Await.until("the token is refused", () -> post("/onep:v1/stack/alias", token, "a=2").statusCode() == 401);
    }

    @Test
    void dataInGoesToTheAppsTheDeviceHasNowNotToThoseItHadWhenItsTokenWasCached() {
        String identity = newIdentity("cache-apps");
        provision(identity, Map.of("apps", List.of("ext_before")));
        String token = Fleet.activate(identity);
        assertThat(post("/onep:v1/stack/alias", token, "data_in=%7B%22n%22%3A1%7D").statusCode()).isEqualTo(204);
        EventProbe.awaitOne(Topics.REGISTRY_DATA, e -> e.subject().equals(identity)
                && e.dataAs(RegistryEvents.DataRouted.class).appId().equals("ext_before"), WAIT);

        Fleet.setTag(identity, "apps", List.of("ext_after"));
        assertThat(post("/onep:v1/stack/alias", token, "data_in=%7B%22n%22%3A2%7D").statusCode()).isEqualTo(204);

        var routed = EventProbe.awaitOne(Topics.REGISTRY_DATA, e -> e.subject().equals(identity)
                && e.dataAs(RegistryEvents.DataRouted.class).data().path("n").asInt() == 2, WAIT)
                .dataAs(RegistryEvents.DataRouted.class);
        assertThat(routed.appId()).isEqualTo("ext_after");
    }

    private static Connection otherReplica() throws Exception {
        return DriverManager.getConnection(
                ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class), "postgres", "postgres");
    }
}
