package io.everycloud.kit.inbox;

import static io.everycloud.kit.KitTestSupport.applied;
import static io.everycloud.kit.KitTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.everycloud.events.Envelope;
import io.everycloud.events.RegistryEvents;
import io.everycloud.events.Topics;
import io.everycloud.kit.KitTestSupport;
import io.everycloud.testkit.EventProbe;
import io.everycloud.testkit.Postgres;
import io.everycloud.testkit.TestInfrastructure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The consumer's own database closed to connections (existing ones terminated, new ones refused
 * with 55000, as the local suite's fault control does): the events that arrive meanwhile wait and
 * are applied once it opens again, none is dead-lettered.
 */
@QuarkusTest
class DatabaseOutageTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Inject
    AgroalDataSource dataSource;

    @Inject
    MeterRegistry meters;

    @Test
    void eventsArrivingWhileTheDatabaseIsClosedAreAppliedOnceItOpensAndNeverDeadLettered() {
        Postgres postgres = TestInfrastructure.postgres();
        String url = ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class);
        String database = url.substring(url.lastIndexOf('/') + 1);
        Envelope first = written("closed-db-first", "1");
        Envelope second = written("closed-db-second", "2");
        double unavailableBefore = unavailableRetries();
        postgres.execute("ALTER DATABASE " + database + " WITH ALLOW_CONNECTIONS false");
        try {
            postgres.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database + "'");
            EventProbe.sendRaw(Topics.REGISTRY_RESOURCE, "closed-db-key", first.toJson());
            EventProbe.sendRaw(Topics.REGISTRY_RESOURCE, "closed-db-key", second.toJson());
            // more failed tries than everycloud.inbox.attempts (3) before the database opens again
            await(this::unavailableRetries, n -> n >= unavailableBefore + 6, PATIENCE, "the inbox retrying while the database is closed");
        } finally {
            postgres.execute("ALTER DATABASE " + database + " WITH ALLOW_CONNECTIONS true");
        }

        await(() -> applied(dataSource, "closed-db-second"), rows -> rows.size() == 1, PATIENCE, "the second event applied");
        assertThat(applied(dataSource, "closed-db-first")).extracting(KitTestSupport.Applied::eventId).containsExactly(first.id());
        assertThat(KitTestSupport.count(dataSource, "SELECT count(*) FROM applied WHERE subject = 'closed-db-first' AND seq < "
                + "(SELECT seq FROM applied WHERE subject = 'closed-db-second')")).isEqualTo(1);
        assertThat(EventProbe.records(Topics.deadLetter(Topics.REGISTRY_RESOURCE))).noneMatch(r -> r.value() != null
                && (r.value().contains(first.id().toString()) || r.value().contains(second.id().toString())));
    }

    private double unavailableRetries() {
        Counter counter = meters.find("everycloud.inbox.database.unavailable").tag("consumer", "kit-test").counter();
        return counter == null ? 0 : counter.count();
    }

    private static Envelope written(String subject, String value) {
        return Envelope.of(subject, new RegistryEvents.ResourceWritten(subject, "data_in", "0:0", "device", Instant.now()));
    }
}
