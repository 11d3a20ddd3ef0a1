package io.everycloud.testkit;

import java.util.ArrayList;
import java.util.List;

import io.everycloud.events.Topics;

/**
 * The infrastructure of one test JVM, started on first use and shared by every test in it:
 * one PostgreSQL server, one Kafka broker (with the product's topics), one SMTP server and one
 * token issuer. Stopped when the JVM exits.
 */
public final class TestInfrastructure {

    private static Postgres postgres;
    private static KafkaBroker kafka;
    private static MailSink mail;
    private static TestIssuer issuer;
    private static final List<AutoCloseable> STARTED = new ArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TestInfrastructure::stopAll, "testkit-shutdown"));
    }

    public static synchronized Postgres postgres() {
        if (postgres == null) {
            postgres = started(Postgres.temporary());
        }
        return postgres;
    }

    public static synchronized KafkaBroker kafka() {
        if (kafka == null) {
            kafka = started(KafkaBroker.temporary().partitions(3).start());
            kafka.createTopics(Topics.ALL, true);
        }
        return kafka;
    }

    public static synchronized MailSink mail() {
        if (mail == null) {
            mail = started(new MailSink(0, -1).start());
        }
        return mail;
    }

    public static synchronized TestIssuer issuer() {
        if (issuer == null) {
            issuer = started(new TestIssuer().start());
        }
        return issuer;
    }

    private static <T extends AutoCloseable> T started(T resource) {
        STARTED.add(resource);
        return resource;
    }

    private static synchronized void stopAll() {
        for (int i = STARTED.size() - 1; i >= 0; i--) {
            try {
                STARTED.get(i).close();
            } catch (Exception e) {
                // the JVM is exiting; nothing useful to do with it
            }
        }
        STARTED.clear();
    }

    private TestInfrastructure() {
    }
}
