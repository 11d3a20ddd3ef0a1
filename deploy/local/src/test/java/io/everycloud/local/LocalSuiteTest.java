package io.everycloud.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the launcher gives each service, and how it treats the data folder and its command line. */
class LocalSuiteTest {

    static final Map<String, Integer> PORTS = RouteTableTest.ROUTES.services();
    static final LocalSuite.AdminCredentials ADMIN = new LocalSuite.AdminCredentials("admin@everycloud.local", "Secret123", "Secret123");

    private static ServiceProcess service(String name, String database, int port) {
        return new ServiceProcess(name, name + "-service", database, port, Path.of("/tmp/unused.log"));
    }

    @Test
    void eachServiceGetsItsPortDatabaseBrokerMailSinkAndTheProductDefaults() {
        Map<String, String> env = LocalSuite.environment(service("user", "user", 8103), PORTS, ADMIN, Map.of());

        assertThat(env).containsEntry("QUARKUS_HTTP_PORT", "8103")
                .containsEntry("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://127.0.0.1:15432/user")
                .containsEntry("QUARKUS_DATASOURCE_USERNAME", "user")
                .containsEntry("QUARKUS_DATASOURCE_PASSWORD", "user")
                .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092")
                .containsEntry("EVERYCLOUD_PRODUCT_ID", "dev-product")
                .containsEntry("EVERYCLOUD_PUBLIC_URL", "http://localhost:8080")
                .containsEntry("EVERYCLOUD_ISSUER_URL", "http://127.0.0.1:8103")
                .containsEntry("EVERYCLOUD_ADMIN_EMAIL", "admin@everycloud.local")
                .containsEntry("EVERYCLOUD_ADMIN_PASSWORD", "Secret123")
                .containsEntry("QUARKUS_MAILER_HOST", "127.0.0.1")
                .containsEntry("QUARKUS_MAILER_PORT", "2525")
                .containsEntry("QUARKUS_MAILER_MOCK", "false")
                .containsEntry("QUARKUS_MAILER_TLS", "false")
                .containsEntry("QUARKUS_MAILER_START_TLS", "DISABLED")
                .containsEntry("QUARKUS_MAILER_FROM", "noreply@everycloud.local");
    }

    @Test
    void theCallersProductSettingsWinButTheSuitesWiringDoesNot() {
        Map<String, String> caller = Map.of("EVERYCLOUD_PRODUCT_ID", "p123", "EVERYCLOUD_PUBLIC_URL", "http://192.168.1.5:8080",
                "QUARKUS_MAILER_HOST", "smtp.example.com", "QUARKUS_HTTP_PORT", "9999", "KAFKA_BOOTSTRAP_SERVERS", "elsewhere:9092");

        Map<String, String> env = LocalSuite.environment(service("claim", "claim", 8102), PORTS, ADMIN, caller);

        assertThat(env).containsEntry("EVERYCLOUD_PRODUCT_ID", "p123")
                .containsEntry("EVERYCLOUD_PUBLIC_URL", "http://192.168.1.5:8080")
                .containsEntry("QUARKUS_MAILER_HOST", "smtp.example.com")
                .containsEntry("QUARKUS_HTTP_PORT", "8102")
                .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092");
    }

    @Test
    void thePortalIsToldWhereTheServicesItCallsListen() {
        Map<String, String> env = LocalSuite.environment(service("portal", "portal", 8105), PORTS, ADMIN, Map.of());

        assertThat(env).containsEntry("PORTAL_SERVICES_USER_URL", "http://127.0.0.1:8103")
                .containsEntry("PORTAL_SERVICES_REGISTRY_URL", "http://127.0.0.1:8101")
                .containsEntry("PORTAL_SERVICES_CLAIM_URL", "http://127.0.0.1:8102")
                .containsEntry("PORTAL_SERVICES_FIRMWARE_URL", "http://127.0.0.1:8104");
    }

    @Test
    void aGeneratedAdminPasswordIsKeptInTheDataFolderAndReusedAtTheNextStart(@TempDir Path data) throws Exception {
        LocalSuite.AdminCredentials first = LocalSuite.AdminCredentials.resolve(data, Map.of());
        LocalSuite.AdminCredentials second = LocalSuite.AdminCredentials.resolve(data, Map.of());

        assertThat(first.email()).isEqualTo("admin@everycloud.local");
        assertThat(first.password()).hasSize(20).containsPattern("[A-Z]").containsPattern("[a-z]").containsPattern("[0-9]");
        assertThat(second.password()).isEqualTo(first.password());
        assertThat(Files.readString(data.resolve("admin-password")).trim()).isEqualTo(first.password());
    }

    @Test
    void anAdminPasswordFromTheEnvironmentIsUsedAndNeverPrinted(@TempDir Path data) {
        LocalSuite.AdminCredentials admin = LocalSuite.AdminCredentials.resolve(data,
                Map.of("EVERYCLOUD_ADMIN_EMAIL", "ops@maker.example", "EVERYCLOUD_ADMIN_PASSWORD", "Given-Pass-1"));

        assertThat(admin.email()).isEqualTo("ops@maker.example");
        assertThat(admin.password()).isEqualTo("Given-Pass-1");
        assertThat(admin.shownPassword()).doesNotContain("Given-Pass-1");
        assertThat(data.resolve("admin-password")).doesNotExist();
    }

    @Test
    void freshRefusesToWipeAFolderThatIsNotTheSuitesData(@TempDir Path folder) throws Exception {
        Files.writeString(folder.resolve("thesis.tex"), "precious");
        assertThatThrownBy(() -> LocalSuite.prepareDataFolder(folder, true))
                .isInstanceOf(LocalSuite.StartupFailure.class).hasMessageContaining("refuses to wipe");
        assertThat(folder.resolve("thesis.tex")).exists();
    }

    @Test
    void freshWipesTheSuitesOwnDataFolder(@TempDir Path parent) throws Exception {
        Path data = parent.resolve("data");
        LocalSuite.prepareDataFolder(data, false);
        Files.writeString(data.resolve("logs").resolve("user.log"), "old run");

        LocalSuite.prepareDataFolder(data, true);

        assertThat(data.resolve("logs").resolve("user.log")).doesNotExist();
        assertThat(data.resolve(LocalSuite.MARKER)).exists();
    }

    @Test
    void theCommandLineIsParsedAndUnknownOptionsAreRefused() {
        LocalSuite.Options options = LocalSuite.Options.parse(new String[] {"--no-build", "--fresh", "--data", "some/dir",
                "--timeout", "90", "--listen", "0.0.0.0", "--repo", "/repo"});

        assertThat(options.fresh()).isTrue();
        assertThat(options.data()).isEqualTo(Path.of("some/dir").toAbsolutePath().normalize());
        assertThat(options.timeout().toSeconds()).isEqualTo(90);
        assertThat(options.listen()).isEqualTo("0.0.0.0");
        assertThat(options.controls()).as("fault controls are off by default").isFalse();
        assertThat(LocalSuite.Options.parse(new String[] {"--controls"}).controls()).isTrue();
        assertThat(LocalSuite.Options.parse(new String[] {"--repo", "/repo"}).data()).isEqualTo(Path.of("/repo/.data"));
        assertThatThrownBy(() -> LocalSuite.Options.parse(new String[] {"--frsh"})).hasMessageContaining("unknown option --frsh");
        assertThatThrownBy(() -> LocalSuite.Options.parse(new String[] {"--data"})).hasMessageContaining("--data needs a value");
        assertThatThrownBy(() -> LocalSuite.Options.parse(new String[] {"--timeout", "soon"})).hasMessageContaining("seconds");
    }
}
