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
            if (secret.getMetadata().getName().equals("everycloud-portal-session-key")) {
                assertThat(Base64.getDecoder().decode(decode(secret.getData().get("token-key"))))
                        .as("generated AES-256 key, never from values").hasSize(32);
            } else {
                String password = decode(secret.getData().get("password"));
                assertThat(password).as("generated, never from values").matches("[A-Za-z0-9]{32}");
            }
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
        Rendering rendering = Chart.render(Map.of("admin.existingSecret", "acme-admin", "admin.passwordKey", "first-password",
                "portal.sessionTokenKey.existingSecret", "acme-portal-key"));

        assertThat(rendering.all(Secret.class)).isEmpty();
        assertThat(env(rendering, "user", "EVERYCLOUD_ADMIN_PASSWORD").getValueFrom().getSecretKeyRef())
                .satisfies(ref -> {
                    assertThat(ref.getName()).isEqualTo("acme-admin");
                    assertThat(ref.getKey()).isEqualTo("first-password");
                });
    }

    @Test
    void thePortalsSessionTokenKeyIsGeneratedOnceAndGivenToThePortalOnly() {
        Rendering rendering = Chart.renderDefaults();

        Secret secret = rendering.get(Secret.class, "everycloud-portal-session-key");
        assertThat(secret.getMetadata().getAnnotations()).containsEntry("helm.sh/resource-policy", "keep");
        assertThat(secret.getMetadata().getLabels()).containsEntry("app.kubernetes.io/name", "portal");
        byte[] aesKey = Base64.getDecoder().decode(decode(secret.getData().get("token-key")));
        assertThat(aesKey).as("AES-256 key, base64 as the portal reads it").hasSize(32);
        assertThat(decode(secret.getData().get("token-key-id"))).isEqualTo("k1");
        assertThat(secret.getData()).doesNotContainKey("previous-token-keys");
        assertThat(Chart.render(Map.of()).get(Secret.class, "everycloud-portal-session-key").getData().get("token-key"))
                .as("a fresh install gets a fresh key").isNotEqualTo(secret.getData().get("token-key"));

        assertThat(env(rendering, "portal", "PORTAL_SESSION_TOKEN_KEY").getValueFrom().getSecretKeyRef()).satisfies(ref -> {
            assertThat(ref.getName()).isEqualTo("everycloud-portal-session-key");
            assertThat(ref.getKey()).isEqualTo("token-key");
            assertThat(ref.getOptional()).isNotEqualTo(Boolean.TRUE);
        });
        assertThat(env(rendering, "portal", "PORTAL_SESSION_TOKEN_KEY_ID").getValueFrom().getSecretKeyRef()).satisfies(ref -> {
            assertThat(ref.getName()).isEqualTo("everycloud-portal-session-key");
            assertThat(ref.getKey()).isEqualTo("token-key-id");
            assertThat(ref.getOptional()).isTrue();
        });
        assertThat(env(rendering, "portal", "PORTAL_SESSION_PREVIOUS_TOKEN_KEYS").getValueFrom().getSecretKeyRef()).satisfies(ref -> {
            assertThat(ref.getName()).isEqualTo("everycloud-portal-session-key");
            assertThat(ref.getKey()).isEqualTo("previous-token-keys");
            assertThat(ref.getOptional()).isTrue();
        });
        for (String other : Chart.SERVICES) {
            if (!other.equals("portal")) {
                Container container = rendering.get(Deployment.class, "everycloud-" + other).getSpec().getTemplate().getSpec()
                        .getContainers().get(0);
                assertThat(container.getEnv()).as(other).extracting(EnvVar::getName).noneMatch(n -> n.startsWith("PORTAL_SESSION"));
                assertThat(container.getEnv()).as(other)
                        .noneMatch(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null
                                && e.getValueFrom().getSecretKeyRef().getName().equals("everycloud-portal-session-key"));
            }
        }
    }

    @Test
    void theSessionTokenKeyAndARotationDoneOnItsSecretAreKeptOnUpgrade() {
        String current = Base64.getEncoder().encodeToString(new byte[32]);
        String retired = Base64.getEncoder().encodeToString(new byte[16]);
        FakeKubernetesApi.start().putSecret(Chart.NAMESPACE, "everycloud-portal-session-key",
                Map.of("token-key", current, "token-key-id", "k2", "previous-token-keys", "k1:" + retired));

        Secret upgraded = Chart.render(Map.of()).get(Secret.class, "everycloud-portal-session-key");

        assertThat(upgraded.getData()).hasSize(3);
        assertThat(decode(upgraded.getData().get("token-key"))).isEqualTo(current);
        assertThat(decode(upgraded.getData().get("token-key-id"))).isEqualTo("k2");
        assertThat(decode(upgraded.getData().get("previous-token-keys"))).isEqualTo("k1:" + retired);
    }

    @Test
    void aSessionTokenKeyFromAnExistingSecretIsReferencedAndNoneIsGenerated() {
        Rendering rendering = Chart.render(Map.of("portal.sessionTokenKey.existingSecret", "acme-portal-key",
                "portal.sessionTokenKey.key", "aes", "portal.sessionTokenKey.keyIdKey", "aes-id",
                "portal.sessionTokenKey.previousKeysKey", "aes-retired"));

        assertThat(rendering.all(Secret.class)).extracting(s -> s.getMetadata().getName())
                .doesNotContain("everycloud-portal-session-key", "acme-portal-key");
        assertThat(env(rendering, "portal", "PORTAL_SESSION_TOKEN_KEY").getValueFrom().getSecretKeyRef())
                .satisfies(ref -> {
                    assertThat(ref.getName()).isEqualTo("acme-portal-key");
                    assertThat(ref.getKey()).isEqualTo("aes");
                });
        assertThat(env(rendering, "portal", "PORTAL_SESSION_TOKEN_KEY_ID").getValueFrom().getSecretKeyRef())
                .satisfies(ref -> {
                    assertThat(ref.getName()).isEqualTo("acme-portal-key");
                    assertThat(ref.getKey()).isEqualTo("aes-id");
                });
        assertThat(env(rendering, "portal", "PORTAL_SESSION_PREVIOUS_TOKEN_KEYS").getValueFrom().getSecretKeyRef())
                .satisfies(ref -> {
                    assertThat(ref.getName()).isEqualTo("acme-portal-key");
                    assertThat(ref.getKey()).isEqualTo("aes-retired");
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
