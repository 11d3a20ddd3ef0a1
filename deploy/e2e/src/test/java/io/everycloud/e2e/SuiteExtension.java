package io.everycloud.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The local suite of one IT class, as a JUnit 5 extension: registered on a static field, it starts
 * a fresh suite ({@link SuiteProcess}: {@code deploy/local/run --no-build --fresh --data
 * target/<name>}) before the class's own {@code @BeforeAll} methods, hands out the OEM operator's
 * credentials, a {@link PublicApi} and a signed-in OEM, and after the class's own {@code @AfterAll}
 * methods stops the suite with SIGTERM and fails the class if a process of the suite is left.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final SuiteExtension suite = SuiteExtension.forClass("journeys-data")
 *         .withOem("oem-operator@example.com", "Journeys-oem-")
 *         .env("NOTIFICATION_WEBHOOKS_ALLOW_PRIVATE", "true");
 * </pre>
 */
final class SuiteExtension implements BeforeAllCallback, AfterAllCallback {

    private final String name;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final List<String> options = new ArrayList<>();
    private final PublicApi api = new PublicApi(SuiteProcess.ADDRESS);
    private String oemEmail;
    private String oemPassword;
    private SuiteProcess process;

    private SuiteExtension(String name) {
        this.name = name;
    }

    /**
     * The suite started as README.md tells a person (no environment of its own); its data in
     * {@code target/<name>}, its launcher output in {@code target/<name>-run.log}.
     */
    static SuiteExtension forClass(String name) {
        return new SuiteExtension(name);
    }

    /**
     * The OEM operator the suite creates at its first start (a fresh password per run: the prefix
     * plus 8 random characters), and the public address named explicitly, as the ITs assert links
     * against it.
     */
    SuiteExtension withOem(String email, String passwordPrefix) {
        oemEmail = email;
        oemPassword = passwordPrefix + UUID.randomUUID().toString().substring(0, 8);
        return env("EVERYCLOUD_ADMIN_EMAIL", oemEmail)
                .env("EVERYCLOUD_ADMIN_PASSWORD", oemPassword)
                .env("EVERYCLOUD_PUBLIC_URL", SuiteProcess.ADDRESS);
    }

    /** One more variable in the launcher's environment (it passes it on to the services). */
    SuiteExtension env(String variable, String value) {
        environment.put(variable, value);
        return this;
    }

    /** One more launcher option (e.g. {@code --controls}, FaultsIT). */
    SuiteExtension option(String option) {
        options.add(option);
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        process = SuiteProcess.forTestClass(name);
        process.start(Map.copyOf(environment), List.copyOf(options));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (process != null) {
            List<String> left = process.stop();
            process = null;
            assertThat(left).as("processes of the suite left after it stopped").isEmpty();
        }
    }

    String oemEmail() {
        return requireOem(oemEmail);
    }

    String oemPassword() {
        return requireOem(oemPassword);
    }

    /** The OEM signed in as its CLI would (password grant, client {@code cli}): a fresh access token. */
    String oemToken() {
        return api.login(oemEmail(), oemPassword(), "cli");
    }

    /** Requests through the one public address, and the mail sink. */
    PublicApi api() {
        return api;
    }

    /** The running suite: its data folder, its launcher process, its services' logs. */
    SuiteProcess process() {
        if (process == null) {
            throw new IllegalStateException("the suite " + name + " is not running (used outside the test class?)");
        }
        return process;
    }

    Path data() {
        return process().data();
    }

    /** The last lines of a service's log, for failure messages. */
    String serviceLog(String service, int lines) {
        return process().serviceLog(service, lines);
    }

    private String requireOem(String value) {
        if (value == null) {
            throw new IllegalStateException("the suite " + name + " was started without an OEM operator (withOem)");
        }
        return value;
    }
}
