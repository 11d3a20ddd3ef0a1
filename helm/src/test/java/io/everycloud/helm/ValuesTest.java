package io.everycloud.helm;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** values.schema.json refuses typos and wrong types; the default block merges with each service's block. */
class ValuesTest {

    private static void assertRefused(Map<String, Object> set, String message) {
        assertThatThrownBy(() -> Chart.template(null, set))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining(message);
    }

    @Test
    void anUnknownKeyIsRefused() {
        assertRefused(Map.of("ingres.host", "x"), "ingres");
        assertRefused(Map.of("services.claim.replicaz", 2), "replicaz");
        assertRefused(Map.of("services.default.probes.liveness.initialDelay", 5), "initialDelay");
    }

    @Test
    void anUnknownServiceIsRefused() {
        assertRefused(Map.of("services.registry.replicas", 2), "registry");
    }

    @Test
    void aMistypedValueIsRefused() {
        assertRefused(Map.of("services.claim.replicas", "two"), "/services/claim/replicas");
        assertRefused(Map.of("networkPolicy.enabled", "yes-please"), "/networkPolicy/enabled");
        assertRefused(Map.of("mail.port", 70000), "/mail/port");
        assertRefused(Map.of("portal.sessionTokenKey.existingSecret", "Not_A_Name"), "/portal/sessionTokenKey/existingSecret");
    }

    @Test
    void aValueOutsideItsChoicesIsRefused() {
        assertRefused(Map.of("firmware.updates", "sometimes"), "/firmware/updates");
        assertRefused(Map.of("mail.startTls", "MAYBE"), "/mail/startTls");
    }

    @Test
    void inconsistentSettingsFailWithAMessageNamingTheValue() {
        assertThatThrownBy(() -> Chart.template(null, Map.of("services.claim.autoscaling.enabled", true,
                "services.claim.autoscaling.minReplicas", 4, "services.claim.autoscaling.maxReplicas", 2)))
                .hasMessageContaining("services.claim.autoscaling.maxReplicas must be at least minReplicas");
        assertThatThrownBy(() -> Chart.template(null, Map.of("postgresql.cnpg.enabled", true,
                "postgresql.cnpg.scheduledBackup.enabled", true)))
                .hasMessageContaining("postgresql.cnpg.scheduledBackup needs postgresql.cnpg.backup");
        assertThatThrownBy(() -> Chart.template(null, Map.of("kafka.bootstrapServers", "")))
                .hasMessageContaining("kafka.bootstrapServers is required unless kafka.strimzi.enabled");
        assertThatThrownBy(() -> Chart.template(null, Map.of("portal.sessionTokenKey.keyIdKey", "token-key")))
                .hasMessageContaining("portal.sessionTokenKey: key, keyIdKey and previousKeysKey must be three different keys");
    }

    @Test
    void everyValueIsDocumentedInPlace() throws IOException {
        List<String> lines = Files.readAllLines(Chart.dir().resolve("values.yaml"));
        List<String> documented = new ArrayList<>();
        Pattern param = Pattern.compile("^\\s*## @param (\\S+) .+");
        for (String line : lines) {
            Matcher m = param.matcher(line);
            if (m.matches()) {
                documented.add(m.group(1));
            }
        }
        // Every leaf under the top-level keys has a @param line, or a parent that documents it as a whole.
        List<String> undocumented = new ArrayList<>();
        collectLeaves(new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readValue(Chart.dir().resolve("values.yaml").toFile(), Map.class), "", documented, undocumented);

        assertThat(undocumented).isEmpty();
    }

    @Test
    void theChartReadmeListsEveryParameter() throws IOException {
        String readme = Files.readString(Chart.dir().resolve("README.md"));
        Pattern param = Pattern.compile("^\\s*## @param (\\S+) .+");

        for (String line : Files.readAllLines(Chart.dir().resolve("values.yaml"))) {
            Matcher m = param.matcher(line);
            if (m.matches()) {
                assertThat(readme).as("README.md parameter table").contains("| `" + m.group(1) + "` |");
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void collectLeaves(Map<String, Object> node, String prefix, List<String> documented, List<String> undocumented) {
        for (Map.Entry<String, Object> e : node.entrySet()) {
            String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            if (documented.contains(key)) {
                continue;
            }
            if (e.getValue() instanceof Map<?, ?> child && !child.isEmpty()) {
                collectLeaves((Map<String, Object>) child, key, documented, undocumented);
            } else {
                undocumented.add(key);
            }
        }
    }

    @Test
    void aServiceBlockOverridesTheDefaultBlockEvenWithFalse() {
        Rendering rendering = Chart.render(Map.of("services.portal.pdb.enabled", false, "services.claim.replicas", 3));

        assertThat(rendering.find(PodDisruptionBudget.class, "everycloud-portal")).isEmpty();
        assertThat(rendering.find(PodDisruptionBudget.class, "everycloud-claim")).isPresent();
        assertThat(rendering.get(Deployment.class, "everycloud-claim").getSpec().getReplicas()).isEqualTo(3);
        assertThat(rendering.get(Deployment.class, "everycloud-user").getSpec().getReplicas()).isEqualTo(1);
    }

    @Test
    void imagesTakeTheGlobalDefaultsUnlessAServiceOverridesThem() {
        Rendering rendering = Chart.render(Map.of("global.image.registry", "registry.acme.example",
                "global.image.tag", "1.4.2",
                "services.portal.image.repository", "acme/portal-branded",
                "services.claim.image.digest", "sha256:" + "a".repeat(64)));

        assertThat(image(rendering, "user")).isEqualTo("registry.acme.example/everycloud/user:1.4.2");
        assertThat(image(rendering, "portal")).isEqualTo("registry.acme.example/acme/portal-branded:1.4.2");
        assertThat(image(rendering, "claim")).isEqualTo("registry.acme.example/everycloud/claim@sha256:" + "a".repeat(64));
        assertThat(image(Chart.renderDefaults(), "firmware")).isEqualTo("ghcr.io/everycloud/firmware:0.1.0");
    }

    private static String image(Rendering rendering, String service) {
        return rendering.get(Deployment.class, "everycloud-" + service).getSpec().getTemplate().getSpec()
                .getContainers().get(0).getImage();
    }

    @Test
    void changingASettingRollsThePods() {
        String before = Chart.renderDefaults().get(Deployment.class, "everycloud-claim")
                .getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/config");
        String after = Chart.render(Map.of("product.id", "p-other")).get(Deployment.class, "everycloud-claim")
                .getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/config");

        assertThat(after).isNotEqualTo(before);
    }
}
