package io.everycloud.kit.inbox;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.Set;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** The kit's Kafka client defaults: no JMX metric MBeans per consumer, the metrics still on /q/metrics. */
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
}
