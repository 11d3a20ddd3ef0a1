package io.everycloud.helm;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The policies every workload must keep in every variant (default values and each ci file):
 * Pod Security "restricted", probes, resources, selectors, PDB, NetworkPolicy and the env contract.
 */
class WorkloadPolicyTest {

    static final Map<String, String> DATABASES = Map.of("device-registry", "registry", "claim", "claim", "user", "user",
            "firmware", "firmware", "portal", "portal", "notification", "notification");

    static Stream<Arguments> workloads() {
        return Chart.variants().stream().flatMap(v -> Chart.SERVICES.stream().map(s -> Arguments.of(v, s)));
    }

    private static Map<String, String> selector(String service) {
        return Map.of("app.kubernetes.io/name", service, "app.kubernetes.io/instance", Chart.RELEASE);
    }

    private static String name(String service) {
        return Chart.RELEASE + "-" + service;
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("workloads")
    void podsRunRestrictedWithoutServiceAccountToken(String variant, String service) {
        Rendering rendering = Chart.render(variant);
        PodSpec pod = rendering.get(Deployment.class, name(service)).getSpec().getTemplate().getSpec();
        PodSecurityContext podSecurity = pod.getSecurityContext();

        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getServiceAccountName()).isEqualTo(name(service));
        assertThat(rendering.get(ServiceAccount.class, name(service)).getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
        assertThat(pod.getHostPID()).isNotEqualTo(Boolean.TRUE);
        assertThat(podSecurity.getRunAsNonRoot()).isTrue();
        assertThat(podSecurity.getRunAsUser()).isNotNull().isNotZero();
        assertThat(podSecurity.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getContainers()).hasSize(1);
        assertThat(pod.getInitContainers()).isEmpty();
        for (Container container : pod.getContainers()) {
            SecurityContext security = container.getSecurityContext();
            assertThat(security.getAllowPrivilegeEscalation()).as("allowPrivilegeEscalation").isFalse();
            assertThat(security.getReadOnlyRootFilesystem()).as("readOnlyRootFilesystem").isTrue();
            assertThat(security.getPrivileged()).isNotEqualTo(Boolean.TRUE);
            assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
            assertThat(security.getCapabilities().getAdd()).isEmpty();
            assertThat(security.getRunAsNonRoot()).isNotEqualTo(Boolean.FALSE);
            assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("workloads")
    void theReadOnlyRootHasAWritableTmp(String variant, String service) {
        PodSpec pod = Chart.render(variant).get(Deployment.class, name(service)).getSpec().getTemplate().getSpec();
        Container container = pod.getContainers().get(0);

        assertThat(container.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getMountPath()).isEqualTo("/tmp");
            Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(m.getName())).findFirst().orElseThrow();
            assertThat(volume.getEmptyDir()).isNotNull();
            assertThat(volume.getEmptyDir().getSizeLimit()).isNotNull();
        });
        assertThat(pod.getVolumes()).allSatisfy(v -> assertThat(v.getHostPath()).as("hostPath volume").isNull());
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("workloads")
    void containersAreProbedOnQuarkusHealthAndHaveBoundedResources(String variant, String service) {
        Container container = Chart.render(variant).get(Deployment.class, name(service))
                .getSpec().getTemplate().getSpec().getContainers().get(0);

        assertThat(container.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("http");
            assertThat(p.getContainerPort()).isEqualTo(8080);
        });
        assertProbe(container.getStartupProbe(), "/q/health/started");
        assertProbe(container.getLivenessProbe(), "/q/health/live");
        assertProbe(container.getReadinessProbe(), "/q/health/ready");
        assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(container.getResources().getLimits()).containsKeys("cpu", "memory");
        assertThat(container.getResources().getLimits().get("memory").getNumericalAmount())
                .isGreaterThanOrEqualTo(container.getResources().getRequests().get("memory").getNumericalAmount());
        assertThat(container.getImage()).matches("[^:@]+/[^:@]+(:[\\w.-]+|@sha256:[a-f0-9]{64})");
    }

    /**
     * The kubelet probes readiness as soon as the startup probe succeeds, so the startup probe's
     * period is how long a pod that has started waits to be Ready. The services start in seconds
     * (docs/benchmarks.md): probed every 5 s, a pod up after 2 s was Ready only after 5.
     */
    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("workloads")
    void aStartedPodIsSeenWithinASecondAndMayTakeThreeMinutesToStart(String variant, String service) {
        Probe startup = Chart.render(variant).get(Deployment.class, name(service))
                .getSpec().getTemplate().getSpec().getContainers().get(0).getStartupProbe();

        assertThat(startup.getPeriodSeconds()).isEqualTo(1);
        assertThat(startup.getPeriodSeconds() * startup.getFailureThreshold()).as("startup budget, s").isEqualTo(180);
    }

    private static void assertProbe(Probe probe, String path) {
        assertThat(probe).as(path).isNotNull();
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("http");
        assertThat(probe.getPeriodSeconds()).isPositive();
        assertThat(probe.getTimeoutSeconds()).isPositive();
        assertThat(probe.getFailureThreshold()).isPositive();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("workloads")
    void selectorsUseOnlyNameAndInstance(String variant, String service) {
        Rendering rendering = Chart.render(variant);
        Deployment deployment = rendering.get(Deployment.class, name(service));

        assertThat(deployment.getSpec().getSelector().getMatchLabels()).isEqualTo(selector(service));
        assertThat(deployment.getSpec().getSelector().getMatchExpressions()).isEmpty();
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(selector(service));
        assertThat(rendering.get(Service.class, name(service)).getSpec().getSelector()).isEqualTo(selector(service));
        assertThat(rendering.get(PodDisruptionBudget.class, name(service)).getSpec().getSelector().getMatchLabels())
                .isEqualTo(selector(service));
        assertThat(rendering.get(NetworkPolicy.class, name(service)).getSpec().getPodSelector().getMatchLabels())
                .isEqualTo(selector(service));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.everycloud.helm.Chart#variants")
    void everyObjectCarriesTheRecommendedLabels(String variant) {
        for (Rendering.Manifest m : Chart.render(variant).manifests()) {
            assertThat(m.model().getMetadata().getLabels()).as("%s %s", m.kind(), m.name())
                    .containsKeys("app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/version",
                            "app.kubernetes.io/component", "app.kubernetes.io/part-of", "app.kubernetes.io/managed-by",
                            "helm.sh/chart")
                    .containsEntry("app.kubernetes.io/instance", Chart.RELEASE)
                    .containsEntry("app.kubernetes.io/part-of", "everycloud");
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("workloads")
    void aDisruptionBudgetKeepsDrainsGradual(String variant, String service) {
        PodDisruptionBudget pdb = Chart.render(variant).get(PodDisruptionBudget.class, name(service));

        assertThat(pdb.getSpec().getMaxUnavailable()).isNotNull();
        assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isPositive();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("workloads")
    void autoscaledDeploymentsLeaveReplicasToTheAutoscaler(String variant, String service) {
        Rendering rendering = Chart.render(variant);
        Deployment deployment = rendering.get(Deployment.class, name(service));

        rendering.find(HorizontalPodAutoscaler.class, name(service)).ifPresentOrElse(hpa -> {
            assertThat(deployment.getSpec().getReplicas()).as("replicas with an HPA").isNull();
            assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
            assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(name(service));
            assertThat(hpa.getSpec().getMinReplicas()).isPositive().isLessThanOrEqualTo(hpa.getSpec().getMaxReplicas());
            assertThat(hpa.getSpec().getMetrics()).isNotEmpty();
        }, () -> assertThat(deployment.getSpec().getReplicas()).isNotNull());
        assertThat(deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("workloads")
    void networkPolicyDeniesEverythingButTheNeededTraffic(String variant, String service) {
        Rendering rendering = Chart.render(variant);
        NetworkPolicy policy = rendering.get(NetworkPolicy.class, name(service));

        assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
        for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
            assertThat(rule.getFrom()).as("an ingress rule without peers admits everybody").isNotEmpty();
            assertThat(rule.getPorts()).extracting(p -> p.getPort().getIntVal()).containsOnly(8080);
        }
        // The ingress controller is the first peer of the first rule.
        assertThat(policy.getSpec().getIngress().get(0).getFrom().get(0).getNamespaceSelector().getMatchLabels())
                .containsEntry("kubernetes.io/metadata.name", "ingress-nginx");
        for (NetworkPolicyEgressRule rule : policy.getSpec().getEgress()) {
            assertThat(rule.getPorts()).as("an egress rule without ports opens every port").isNotEmpty();
        }
        assertThat(egressPorts(policy)).as("DNS").contains(53);
        assertThat(egressPorts(policy)).as("Kafka").contains(9092);
        assertThat(egressPorts(policy)).as("PostgreSQL").contains(5432);
        assertThat(servicesIn(policy.getSpec().getEgress().stream().flatMap(r -> r.getTo().stream()).toList()))
                .as("services it calls").containsExactlyInAnyOrderElementsOf(CALLS.get(service));
        List<String> callers = CALLS.entrySet().stream().filter(e -> e.getValue().contains(service)).map(Map.Entry::getKey).toList();
        assertThat(servicesIn(policy.getSpec().getIngress().stream().flatMap(r -> r.getFrom().stream()).toList()))
                .as("services that call it").containsExactlyInAnyOrderElementsOf(callers);
        if (service.equals("notification")) {
            assertThat(egressPorts(policy)).as("SMTP").contains(587);
        } else {
            assertThat(egressPorts(policy)).as("nothing but DNS, Kafka, PostgreSQL and the issuer").isSubsetOf(53, 9092, 5432, 8080);
        }
    }

    /** Who calls whom inside the release: every service the token issuer, the portal also three APIs. */
    static final Map<String, List<String>> CALLS = Map.of(
            "device-registry", List.of("user"), "claim", List.of("user"), "user", List.of(),
            "firmware", List.of("user"), "notification", List.of("user"),
            "portal", List.of("user", "device-registry", "claim", "firmware"));

    /** The chart's services a list of peers selects (pods of this release, by name). */
    private static List<String> servicesIn(List<NetworkPolicyPeer> peers) {
        return peers.stream().map(NetworkPolicyPeer::getPodSelector).filter(Objects::nonNull)
                .filter(s -> s.getMatchLabels() != null && Chart.RELEASE.equals(s.getMatchLabels().get("app.kubernetes.io/instance")))
                .flatMap(s -> {
                    Stream<String> byLabel = Stream.ofNullable(s.getMatchLabels().get("app.kubernetes.io/name"));
                    Stream<String> byExpression = s.getMatchExpressions().stream()
                            .filter(e -> e.getKey().equals("app.kubernetes.io/name") && e.getOperator().equals("In"))
                            .flatMap(e -> e.getValues().stream());
                    return Stream.concat(byLabel, byExpression);
                })
                .toList();
    }

    private static List<Integer> egressPorts(NetworkPolicy policy) {
        return policy.getSpec().getEgress().stream().flatMap(r -> r.getPorts().stream())
                .map(NetworkPolicyPort::getPort).map(p -> p.getIntVal()).toList();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("workloads")
    void theEnvironmentContractIsSet(String variant, String service) {
        Rendering rendering = Chart.render(variant);
        ConfigMap config = rendering.get(ConfigMap.class, name(service));
        Container container = rendering.get(Deployment.class, name(service)).getSpec().getTemplate().getSpec().getContainers().get(0);

        assertThat(container.getEnvFrom()).singleElement()
                .satisfies(e -> assertThat(e.getConfigMapRef().getName()).isEqualTo(name(service)));
        assertThat(config.getData())
                .containsEntry("QUARKUS_HTTP_PORT", "8080")
                .containsEntry("EVERYCLOUD_ISSUER_URL", "http://everycloud-user:8080")
                .containsKeys("KAFKA_BOOTSTRAP_SERVERS", "EVERYCLOUD_PRODUCT_ID", "EVERYCLOUD_PUBLIC_URL");
        assertThat(config.getData().get("QUARKUS_DATASOURCE_JDBC_URL"))
                .matches("jdbc:postgresql://[^/]+/" + DATABASES.get(service) + "(\\?.*)?");
        assertThat(config.getData().get("EVERYCLOUD_PUBLIC_URL")).matches("https?://[^/]+");
        assertThat(secretRef(container, "QUARKUS_DATASOURCE_USERNAME")).isNotNull();
        assertThat(secretRef(container, "QUARKUS_DATASOURCE_PASSWORD")).isNotNull();
        switch (service) {
            case "user" -> {
                assertThat(config.getData()).containsKey("EVERYCLOUD_ADMIN_EMAIL");
                assertThat(secretRef(container, "EVERYCLOUD_ADMIN_PASSWORD")).isNotNull();
            }
            case "notification" -> assertThat(config.getData()).containsKeys("QUARKUS_MAILER_HOST", "QUARKUS_MAILER_PORT",
                    "QUARKUS_MAILER_FROM", "QUARKUS_MAILER_TLS", "QUARKUS_MAILER_START_TLS");
            case "firmware" -> assertThat(config.getData().get("EnableFirmwareUpdate")).isIn("enabled", "disabled");
            case "portal" -> assertThat(config.getData())
                    .containsEntry("PORTAL_SERVICES_USER_URL", "http://everycloud-user:8080")
                    .containsEntry("PORTAL_SERVICES_REGISTRY_URL", "http://everycloud-device-registry:8080")
                    .containsEntry("PORTAL_SERVICES_CLAIM_URL", "http://everycloud-claim:8080")
                    .containsEntry("PORTAL_SERVICES_FIRMWARE_URL", "http://everycloud-firmware:8080");
            default -> {
            }
        }
    }

    private static String secretRef(Container container, String env) {
        return container.getEnv().stream().filter(e -> e.getName().equals(env)).findFirst()
                .map(EnvVar::getValueFrom).map(v -> v.getSecretKeyRef().getName()).orElse(null);
    }
}
