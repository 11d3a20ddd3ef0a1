package io.everycloud.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The public address routes exactly as files/routes.json says (the table the local gateway reads too). */
class IngressRoutesTest {

    private static JsonNode routes() throws IOException {
        return new ObjectMapper().readTree(Files.readString(Chart.dir().resolve("files/routes.json")));
    }

    private static List<HTTPIngressPath> paths(Ingress ingress) {
        assertThat(ingress.getSpec().getRules()).singleElement()
                .satisfies(rule -> assertThat(rule.getHost()).isEqualTo("connector.example.com"));
        return ingress.getSpec().getRules().get(0).getHttp().getPaths();
    }

    /** ingress-nginx's strict path validation: what it accepts in Prefix paths, and in ImplementationSpecific ones. */
    static final Pattern NGINX_PREFIX_PATH = Pattern.compile("^/[A-Za-z0-9/_-]*$");
    static final Pattern NGINX_SPECIFIC_PATH = Pattern.compile("^/[A-Za-z0-9\\-._~/^%$\\[\\](){}*+?]*$");

    /** The path the chart writes for a prefix with nginxPathCompat on. */
    static String nginxPath(String prefix) {
        return NGINX_PREFIX_PATH.matcher(prefix).matches() ? prefix : prefix.replaceAll("[^A-Za-z0-9/_-]", ".") + "(/.*)?$";
    }

    private static Map<String, String> routedPaths(Rendering rendering) {
        Map<String, String> rendered = new LinkedHashMap<>();
        for (String name : List.of("everycloud", "everycloud-device-api")) {
            for (HTTPIngressPath path : paths(rendering.get(Ingress.class, name))) {
                assertThat(path.getBackend().getService().getPort().getName()).isEqualTo("http");
                assertThat(rendered.put(path.getPath(), path.getBackend().getService().getName()))
                        .as("path %s routed twice", path.getPath()).isNull();
                if (path.getPathType().equals("Prefix")) {
                    assertThat(path.getPath()).matches(NGINX_PREFIX_PATH);
                } else {
                    assertThat(path.getPathType()).isEqualTo("ImplementationSpecific");
                    assertThat(path.getPath()).matches(NGINX_SPECIFIC_PATH);
                    assertThat(rendering.get(Ingress.class, name).getMetadata().getAnnotations())
                            .containsEntry("nginx.ingress.kubernetes.io/use-regex", "true");
                }
            }
        }
        return rendered;
    }

    @Test
    void ingressPathsAreTheRoutesOfTheRoutingTable() throws IOException {
        Rendering rendering = Chart.renderDefaults();
        Map<String, String> expected = new LinkedHashMap<>();
        for (JsonNode route : routes().get("routes")) {
            expected.put(nginxPath(route.get("prefix").asText()), "everycloud-" + route.get("service").asText());
        }

        Map<String, String> rendered = routedPaths(rendering);

        assertThat(rendered).containsExactlyInAnyOrderEntriesOf(expected);
        for (String backend : rendered.values()) {
            assertThat(rendering.get(Service.class, backend).getSpec().getPorts())
                    .anySatisfy(p -> assertThat(p.getName()).isEqualTo("http"));
        }
    }

    @Test
    void regexPathsMatchWhatTheirPrefixMatches() throws IOException {
        for (JsonNode route : routes().get("routes")) {
            String prefix = route.get("prefix").asText();
            if (NGINX_PREFIX_PATH.matcher(prefix).matches()) {
                continue;
            }
            // ingress-nginx anchors regex paths at the start of the URI.
            Pattern regex = Pattern.compile("^" + nginxPath(prefix));
            assertThat(regex.matcher(prefix).matches()).as(prefix).isTrue();
            assertThat(regex.matcher(prefix + "/stack/alias").matches()).as(prefix + "/...").isTrue();
            assertThat(regex.matcher("/api" + prefix).matches()).isFalse();
        }
    }

    @Test
    void withoutNginxCompatEveryRouteIsAKubernetesPrefixPath() throws IOException {
        Rendering rendering = Chart.render(Map.of("ingress.nginxPathCompat", false));
        Map<String, String> expected = new LinkedHashMap<>();
        for (JsonNode route : routes().get("routes")) {
            expected.put(route.get("prefix").asText(), "everycloud-" + route.get("service").asText());
        }
        Map<String, String> rendered = new LinkedHashMap<>();
        for (String name : List.of("everycloud", "everycloud-device-api")) {
            for (HTTPIngressPath path : paths(rendering.get(Ingress.class, name))) {
                assertThat(path.getPathType()).isEqualTo("Prefix");
                rendered.put(path.getPath(), path.getBackend().getService().getName());
            }
        }

        assertThat(rendered).containsExactlyInAnyOrderEntriesOf(expected);
    }

    @Test
    void theRoutingTableNamesExactlyTheChartsServices() throws IOException {
        List<String> services = new ArrayList<>();
        routes().get("services").fieldNames().forEachRemaining(services::add);
        List<String> routed = new ArrayList<>();
        routes().get("routes").forEach(r -> routed.add(r.get("service").asText()));

        assertThat(services).containsExactlyInAnyOrderElementsOf(Chart.SERVICES);
        assertThat(Chart.SERVICES).allSatisfy(s -> assertThat(routed).contains(s));
    }

    @Test
    void longPollRoutesGetTimeoutsLongerThanTheLongestPoll() throws IOException {
        Ingress deviceApi = Chart.renderDefaults().get(Ingress.class, "everycloud-device-api");
        List<String> longPoll = new ArrayList<>();
        routes().get("routes").forEach(r -> {
            if (r.path("longPoll").asBoolean()) {
                longPoll.add(r.get("prefix").asText());
            }
        });

        assertThat(paths(deviceApi)).extracting(HTTPIngressPath::getPath)
                .containsExactlyElementsOf(longPoll.stream().map(IngressRoutesTest::nginxPath).toList());
        // Devices may hold a poll for 300 s (Request-Timeout); the proxy must wait longer.
        assertThat(Integer.parseInt(deviceApi.getMetadata().getAnnotations().get("nginx.ingress.kubernetes.io/proxy-read-timeout")))
                .isGreaterThanOrEqualTo(310);
        assertThat(Integer.parseInt(deviceApi.getMetadata().getAnnotations().get("nginx.ingress.kubernetes.io/proxy-send-timeout")))
                .isGreaterThanOrEqualTo(310);
        assertThat(Chart.renderDefaults().get(Ingress.class, "everycloud").getMetadata().getAnnotations())
                .as("the other routes keep the controller's default timeouts")
                .doesNotContainKeys("nginx.ingress.kubernetes.io/proxy-read-timeout", "nginx.ingress.kubernetes.io/proxy-send-timeout")
                // Firmware uploads reach 512 MiB; the services answer 413 themselves.
                .containsEntry("nginx.ingress.kubernetes.io/proxy-body-size", "600m");
    }

    @Test
    void healthOfEachServiceIsReachableUnderServicesAndRewritten() throws IOException {
        Ingress health = Chart.renderDefaults().get(Ingress.class, "everycloud-health");
        JsonNode table = routes().get("health");
        Map<String, String> annotations = health.getMetadata().getAnnotations();

        assertThat(annotations).containsEntry("nginx.ingress.kubernetes.io/use-regex", "true")
                .containsEntry("nginx.ingress.kubernetes.io/rewrite-target", "$1");
        assertThat(paths(health)).hasSize(Chart.SERVICES.size() * table.get("paths").size());
        for (String service : Chart.SERVICES) {
            HTTPIngressPath path = paths(health).stream()
                    .filter(p -> p.getBackend().getService().getName().equals("everycloud-" + service))
                    .findFirst().orElseThrow();
            assertThat(path.getPathType()).isEqualTo("ImplementationSpecific");
            assertThat(path.getPath()).matches(NGINX_SPECIFIC_PATH);
            // ingress-nginx anchors the regex at the start; $1 is what the service receives.
            Pattern regex = Pattern.compile("^" + path.getPath());
            Matcher live = regex.matcher(table.get("prefix").asText() + "/" + service + "/q/health/live");
            assertThat(live.matches()).isTrue();
            assertThat(live.group(1)).isEqualTo("/q/health/live");
            Matcher all = regex.matcher("/services/" + service + "/q/health");
            assertThat(all.matches()).isTrue();
            assertThat(all.group(1)).isEqualTo("/q/health");
            assertThat(regex.matcher("/services/" + service + "/q/metrics").matches()).isFalse();
            assertThat(regex.matcher("/services/" + service + "/q/healthz").matches()).isFalse();
            assertThat(regex.matcher("/services/" + service + "x/q/health").matches()).isFalse();
        }
    }

    @Test
    void everyIngressServesTheHostOverTlsFromTheNamedSecret() {
        Rendering rendering = Chart.render(Map.of("ingress.tls.secretName", "acme-tls"));

        assertThat(rendering.all(Ingress.class)).hasSize(3).allSatisfy(ingress -> {
            assertThat(ingress.getSpec().getIngressClassName()).isEqualTo("nginx");
            assertThat(ingress.getSpec().getTls()).singleElement().satisfies(tls -> {
                assertThat(tls.getSecretName()).isEqualTo("acme-tls");
                assertThat(tls.getHosts()).containsExactly("connector.example.com");
            });
        });
    }

    @Test
    void withoutTlsThePublicUrlIsPlainHttp() {
        Rendering rendering = Chart.render(Map.of("ingress.tls.enabled", false));

        assertThat(rendering.all(Ingress.class)).allSatisfy(i -> assertThat(i.getSpec().getTls()).isEmpty());
        assertThat(rendering.get(io.fabric8.kubernetes.api.model.ConfigMap.class, "everycloud-portal").getData())
                .containsEntry("EVERYCLOUD_PUBLIC_URL", "http://connector.example.com");
    }
}
