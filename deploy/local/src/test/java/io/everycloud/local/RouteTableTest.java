package io.everycloud.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The gateway resolves paths with the chart's table exactly as a Kubernetes Ingress (pathType Prefix) does. */
class RouteTableTest {

    static final RouteTable ROUTES = RouteTable.read(Path.of("../../helm/everycloud/files/routes.json"));

    @Test
    void aPrefixMatchesWholePathElementsOnly() {
        assertThat(ROUTES.resolve("/api/devices").service()).isEqualTo("device-registry");
        assertThat(ROUTES.resolve("/api/devices/abc/tags").service()).isEqualTo("device-registry");
        assertThat(ROUTES.resolve("/api/devices/").service()).isEqualTo("device-registry");
        // not an element boundary: falls through to the catch-all "/"
        assertThat(ROUTES.resolve("/api/devicesx").service()).isEqualTo("portal");
    }

    @Test
    void theLongestMatchingPrefixWins() {
        assertThat(ROUTES.resolve("/provision/activate").service()).isEqualTo("device-registry");
        assertThat(ROUTES.resolve("/provision/download").service()).isEqualTo("firmware");
        assertThat(ROUTES.resolve("/api/password-reset/confirm").service()).isEqualTo("user");
        assertThat(ROUTES.resolve("/").service()).isEqualTo("portal");
        assertThat(ROUTES.resolve("/verify").service()).isEqualTo("portal");
    }

    @Test
    void deviceLongPollsAreMarkedSoTheyMayWaitFiveMinutes() {
        RouteTable.Target poll = ROUTES.resolve("/onep:v1/stack/alias");
        assertThat(poll.service()).isEqualTo("device-registry");
        assertThat(poll.longPoll()).isTrue();
        assertThat(ROUTES.resolve("/api/devices").longPoll()).isFalse();
    }

    @Test
    void eachServicesHealthIsReachableWithTheServicesPrefixStripped() {
        RouteTable.Target ready = ROUTES.resolve("/services/claim/q/health/ready");
        assertThat(ready.service()).isEqualTo("claim");
        assertThat(ready.port()).isEqualTo(8102);
        assertThat(ready.path()).isEqualTo("/q/health/ready");
        assertThat(ROUTES.resolve("/services/device-registry/q/health").path()).isEqualTo("/q/health");
        assertThat(ROUTES.resolve("/services/user/q/health/live").path()).isEqualTo("/q/health/live");
    }

    @Test
    void onlyHealthIsExposedUnderServicesNotMetricsNorUnknownServices() {
        assertThat(ROUTES.resolve("/services/claim/q/metrics").service()).isEqualTo("portal");
        assertThat(ROUTES.resolve("/services/claim/q/metrics").path()).isEqualTo("/services/claim/q/metrics");
        assertThat(ROUTES.resolve("/services/unknown/q/health").service()).isEqualTo("portal");
    }

    @Test
    void everyServiceHasItsLocalPort() {
        assertThat(ROUTES.services()).containsEntry("device-registry", 8101).containsEntry("claim", 8102)
                .containsEntry("user", 8103).containsEntry("firmware", 8104).containsEntry("portal", 8105)
                .containsEntry("notification", 8106);
        assertThat(LocalSuite.SERVICES).extracting(LocalSuite.ServiceSpec::name)
                .containsExactlyInAnyOrderElementsOf(ROUTES.services().keySet());
    }
}
