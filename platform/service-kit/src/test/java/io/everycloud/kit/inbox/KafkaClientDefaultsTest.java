package io.everycloud.kit.inbox;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.lang.management.ManagementFactory;
import java.util.Set;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** The kit's Kafka client defaults: no JMX metric MBeans per client, the consumers' metrics still on /q/metrics. */
@QuarkusTest
class KafkaClientDefaultsTest {

    @Test
    void theChannelsConsumersRegisterNoMetricMBeansAndTheirMetricsStillReachPrometheus() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        // the consumers exist (Kafka registers their app-info whatever the reporters) ...
        Set<ObjectName> consumers = server.queryNames(new ObjectName("kafka.consumer:type=app-info,*"), null);
        assertThat(consumers).as("the test app's channels' consumers").hasSizeGreaterThanOrEqualTo(4);
        // ... but no JMX reporter turned their metrics into MBeans (Kafka's default reporter would have)
        assertThat(server.queryNames(new ObjectName("kafka.consumer:type=consumer-metrics,*"), null)).isEmpty();
        assertThat(server.queryNames(new ObjectName("kafka.consumer:type=consumer-fetch-manager-metrics,*"), null)).isEmpty();

        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("kafka_consumer_fetch_manager_records_consumed_total");
    }

    @Test
    void theReadinessChecksAdminClientHasTheSameDefaults() throws Exception {
        // the broker check itself (another test of this app may have ended a channel, which makes the
        // whole readiness DOWN)
        given().when().get("/q/health/ready").then().body("checks.find { it.name == 'kafka' }.status", equalTo("UP"));
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        assertThat(server.queryNames(new ObjectName("kafka.admin.client:type=app-info,*"), null)).as("the admin client").isNotEmpty();
        assertThat(server.queryNames(new ObjectName("kafka.admin.client:type=admin-client-metrics,*"), null)).isEmpty();
    }
}
