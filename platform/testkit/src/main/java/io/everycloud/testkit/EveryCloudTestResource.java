package io.everycloud.testkit;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Gives a service under test real infrastructure: a fresh database of its own on the shared
 * PostgreSQL server, the shared Kafka broker, the shared SMTP server (real sending, not the mock
 * mailer) and the test token issuer. Use it once per module:
 * {@code @QuarkusTestResource(EveryCloudTestResource.class)} on one test class.
 *
 * <p>Init arguments: {@code database} (name prefix, default {@code service}).
 */
public class EveryCloudTestResource implements QuarkusTestResourceLifecycleManager {

    private String databasePrefix = "service";

    @Override
    public void init(Map<String, String> initArgs) {
        databasePrefix = initArgs.getOrDefault("database", databasePrefix);
    }

    @Override
    public Map<String, String> start() {
        Postgres postgres = TestInfrastructure.postgres();
        KafkaBroker kafka = TestInfrastructure.kafka();
        MailSink mail = TestInfrastructure.mail();
        TestIssuer issuer = TestInfrastructure.issuer();
        String database = postgres.createDatabase(databasePrefix);

        Map<String, String> config = new HashMap<>();
        config.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl(database));
        config.put("quarkus.datasource.username", "postgres");
        config.put("quarkus.datasource.password", "postgres");
        config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        config.put("everycloud.issuer-url", issuer.url());
        config.put("everycloud.token-issuer", TestIssuer.ISSUER);
        config.put("quarkus.mailer.mock", "false");
        config.put("quarkus.mailer.host", "127.0.0.1");
        config.put("quarkus.mailer.port", Integer.toString(mail.smtpPort()));
        config.put("quarkus.mailer.tls", "false");
        config.put("quarkus.mailer.start-tls", "DISABLED");
        return config;
    }

    @Override
    public void stop() {
        // shared infrastructure lives until the JVM exits
    }
}
