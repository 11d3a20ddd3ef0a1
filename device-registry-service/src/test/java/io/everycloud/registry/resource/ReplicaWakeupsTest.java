package io.everycloud.registry.resource;

import static io.everycloud.registry.Fleet.newIdentity;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.everycloud.registry.Await;
import io.everycloud.registry.Fleet;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class ReplicaWakeupsTest {

    @Inject
    LongPolls polls;

    @Test
    void aPlatformWriteCommittedByAnotherReplicaAnswersTheLongPollHeldHere() throws Exception {
        String identity = newIdentity("replica");
        String token = Fleet.provisionAndActivate(identity);
        int before = polls.held();
        CompletableFuture<HttpResponse<String>> poll = Fleet.getAsync("/onep:v1/stack/alias?config_io", token,
                "Request-Timeout", "300000");
        Await.until("the long poll is held", () -> polls.held() > before);

        // what another replica's platform write commits: the value and its NOTIFY, in one transaction
        try (Connection other = java.sql.DriverManager.getConnection(
                org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class),
                "postgres", "postgres")) {
            other.setAutoCommit(false);
            try (PreparedStatement write = other.prepareStatement(
                    "INSERT INTO resource_value (identity, alias, value, updated_at) VALUES (?, 'config_io', 'remote', now())");
                    PreparedStatement notify = other.prepareStatement("SELECT pg_notify(?, ?)")) {
                write.setString(1, identity);
                write.executeUpdate();
                notify.setString(1, ReplicaWakeups.CHANNEL);
                notify.setString(2, identity + "\tconfig_io");
                notify.executeQuery().close();
            }
            other.commit();
        }

        HttpResponse<String> answer = poll.get(30, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("config_io=remote");
    }
}
