package io.everycloud.helm;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Secrets come only from existing Secrets or are generated once and kept; none is ever plain text. */
class SecretsTest {

    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(PASSWORD|SECRET|CREDENTIAL|TOKEN|PRIVATE).*");

    @AfterEach
    void forgetClusterSecrets() {
        FakeKubernetesApi.start().clear();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.everycloud.helm.Chart#variants")
    void noSecretIsWrittenInPlainText(String variant) {
        Rendering rendering = Chart.render(variant);

        for (ConfigMap config : rendering.all(ConfigMap.class)) {
            assertThat(config.getData().keySet()).as("ConfigMap %s", config.getMetadata().getName())
                    .noneMatch(k -> SECRET_NAME.matcher(k).matches());
        }
        for (Deployment deployment : rendering.all(Deployment.class)) {
            for (Container container : deployment.getSpec().getTemplate().getSpec().getContainers()) {
                for (EnvVar env : container.getEnv()) {
                    if (SECRET_NAME.matcher(env.getName()).matches()) {
                        assertThat(env.getValue()).as("%s of %s", env.getName(), container.getName()).isNull();
                        assertThat(env.getValueFrom().getSecretKeyRef()).isNotNull();
                    }
                }
            }
        }
        for (Secret secret : rendering.all(Secret.class)) {
            assertThat(secret.getStringData()).as("stringData of %s", secret.getMetadata().getName()).isEmpty();
            assertThat(secret.getMetadata().getAnnotations()).containsEntry("helm.sh/resource-policy", "keep");
            String password = decode(secret.getData().get("password"));
            assertThat(password).as("generated, never from values").matches("[A-Za-z0-9]{32}");
        }
    }

    @Test
    void theFirstOperatorPasswordIsGeneratedWhenNoSecretIsGiven() {
        Rendering rendering = Chart.renderDefaults();

        Secret admin = rendering.get(Secret.class, "everycloud-admin");
        assertThat(decode(admin.getData().get("password"))).matches("[A-Za-z0-9]{32}");
        assertThat(env(rendering, "user", "EVERYCLOUD_ADMIN_PASSWORD").getValueFrom().getSecretKeyRef().getName())
                .isEqualTo("everycloud-admin");
    }

    @Test
    void aGeneratedPasswordIsKeptOnUpgrade() {
        FakeKubernetesApi.start().putSecret(Chart.NAMESPACE, "everycloud-admin", Map.of("password", "alreadyInTheCluster42"));

        Rendering upgrade = Chart.render(Map.of());

        assertThat(decode(upgrade.get(Secret.class, "everycloud-admin").getData().get("password")))
                .isEqualTo("alreadyInTheCluster42");
    }

    @Test
    void databasePasswordsOfTheChartsPostgresqlAreKeptOnUpgrade() {
        FakeKubernetesApi.start().putSecret(Chart.NAMESPACE, "everycloud-claim-database",
                Map.of("username", "claim", "password", "claimPasswordFromLastInstall"));

        Rendering upgrade = Chart.render(Map.of("postgresql.cnpg.enabled", true));

        assertThat(decode(upgrade.get(Secret.class, "everycloud-claim-database").getData().get("password")))
                .isEqualTo("claimPasswordFromLastInstall");
        Secret registry = upgrade.get(Secret.class, "everycloud-device-registry-database");
        assertThat(registry.getType()).isEqualTo("kubernetes.io/basic-auth");
        assertThat(decode(registry.getData().get("username"))).isEqualTo("registry");
        assertThat(decode(registry.getData().get("password"))).matches("[A-Za-z0-9]{32}");
    }

    @Test
    void anExistingSecretIsReferencedAndNothingIsGenerated() {
        Rendering rendering = Chart.render(Map.of("admin.existingSecret", "acme-admin", "admin.passwordKey", "first-password"));

        assertThat(rendering.all(Secret.class)).isEmpty();
        assertThat(env(rendering, "user", "EVERYCLOUD_ADMIN_PASSWORD").getValueFrom().getSecretKeyRef())
                .satisfies(ref -> {
                    assertThat(ref.getName()).isEqualTo("acme-admin");
                    assertThat(ref.getKey()).isEqualTo("first-password");
                });
    }

    @Test
    void smtpCredentialsAndTheSigningKeyComeFromTheirSecrets() {
        Rendering rendering = Chart.render(Map.of("mail.existingSecret", "acme-smtp",
                "tokenSigning.existingSecret", "acme-signing"));

        assertThat(env(rendering, "notification", "QUARKUS_MAILER_USERNAME").getValueFrom().getSecretKeyRef().getName())
                .isEqualTo("acme-smtp");
        assertThat(env(rendering, "notification", "QUARKUS_MAILER_PASSWORD").getValueFrom().getSecretKeyRef().getName())
                .isEqualTo("acme-smtp");
        assertThat(env(rendering, "user", "USER_SERVICE_KEYS_PRIVATE_KEY_PEM").getValueFrom().getSecretKeyRef())
                .satisfies(ref -> {
                    assertThat(ref.getName()).isEqualTo("acme-signing");
                    assertThat(ref.getKey()).isEqualTo("signing-key.pem");
                });
    }

    @Test
    void withoutSmtpCredentialsTheMailerDoesNotAuthenticate() {
        Container notification = Chart.renderDefaults().get(Deployment.class, "everycloud-notification")
                .getSpec().getTemplate().getSpec().getContainers().get(0);

        assertThat(notification.getEnv()).extracting(EnvVar::getName).doesNotContain("QUARKUS_MAILER_USERNAME", "QUARKUS_MAILER_PASSWORD");
    }

    private static EnvVar env(Rendering rendering, String service, String name) {
        return rendering.get(Deployment.class, "everycloud-" + service).getSpec().getTemplate().getSpec()
                .getContainers().get(0).getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(service + " has no " + name));
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }
}
