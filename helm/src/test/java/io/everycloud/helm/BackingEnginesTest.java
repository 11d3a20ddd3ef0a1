package io.everycloud.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.everycloud.events.Topics;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Kafka and PostgreSQL: external endpoints by default, Strimzi and CloudNativePG resources when asked. */
class BackingEnginesTest {

    private static final String STRIMZI_CNPG = "strimzi-cnpg-values.yaml";

    private static List<GenericKubernetesResource> custom(Rendering rendering, String kind) {
        return rendering.ofKind(kind).stream().map(m -> (GenericKubernetesResource) m.model()).toList();
    }

    @Test
    void theChartsTopicListIsTheSuitesTopicList() throws IOException {
        JsonNode file = new ObjectMapper().readTree(Files.readString(Chart.dir().resolve("files/topics.json")));
        List<String> topics = new ArrayList<>();
        file.get("topics").forEach(t -> topics.add(t.asText()));

        assertThat(topics).containsExactlyElementsOf(Topics.ALL);
        assertThat(file.get("deadLetterSuffix").asText()).isEqualTo(Topics.DLQ_SUFFIX);
    }

    @Test
    void strimziGetsATopicForEveryTopicAndItsDeadLetterTopic() {
        Rendering rendering = Chart.render(STRIMZI_CNPG);
        List<String> expected = new ArrayList<>();
        Topics.ALL.forEach(t -> {
            expected.add(t);
            expected.add(Topics.deadLetter(t));
        });

        List<GenericKubernetesResource> topics = custom(rendering, "KafkaTopic");

        assertThat(topics).extracting(t -> (String) t.get("spec", "topicName")).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(topics).allSatisfy(t -> {
            assertThat(t.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", "everycloud-kafka");
            assertThat((Object) t.get("spec", "partitions")).isInstanceOf(Integer.class);
            assertThat((Object) t.get("spec", "replicas")).isEqualTo(3);
            assertThat((Object) t.get("spec", "config", "min.insync.replicas")).isEqualTo(2);
        });
    }

    @Test
    void strimziRunsKraftNodePoolsAndOnlyTheReleaseReachesTheListener() {
        Rendering rendering = Chart.render(STRIMZI_CNPG);
        GenericKubernetesResource kafka = custom(rendering, "Kafka").get(0);
        GenericKubernetesResource pool = custom(rendering, "KafkaNodePool").get(0);

        assertThat(kafka.getMetadata().getName()).isEqualTo("everycloud-kafka");
        assertThat(kafka.getMetadata().getAnnotations()).containsEntry("strimzi.io/kraft", "enabled")
                .containsEntry("strimzi.io/node-pools", "enabled");
        assertThat((Object) kafka.get("spec", "kafka", "config", "auto.create.topics.enable")).isEqualTo(false);
        assertThat((Object) kafka.get("spec", "kafka", "listeners", 0, "networkPolicyPeers", 0, "podSelector", "matchLabels"))
                .isEqualTo(Map.of("app.kubernetes.io/instance", "everycloud", "app.kubernetes.io/part-of", "everycloud"));
        assertThat((List<Object>) pool.get("spec", "roles")).containsExactly("controller", "broker");
        assertThat((Object) pool.get("spec", "replicas")).isEqualTo(3);
        assertThat(rendering.all(ConfigMap.class)).allSatisfy(c ->
                assertThat(c.getData()).containsEntry("KAFKA_BOOTSTRAP_SERVERS", "everycloud-kafka-kafka-bootstrap:9092"));
    }

    @Test
    void cloudNativePgGivesEachServiceItsOwnRoleAndDatabase() {
        Rendering rendering = Chart.render(STRIMZI_CNPG);
        GenericKubernetesResource cluster = custom(rendering, "Cluster").get(0);
        List<GenericKubernetesResource> databases = custom(rendering, "Database");

        List<Map<String, Object>> roles = cluster.get("spec", "managed", "roles");
        assertThat(roles).extracting(r -> r.get("name"))
                .containsExactlyInAnyOrder("registry", "claim", "user", "firmware", "portal", "notification");
        assertThat(databases).hasSize(6).allSatisfy(db -> {
            assertThat((Object) db.get("spec", "owner")).isEqualTo(db.get("spec", "name"));
            assertThat((Object) db.get("spec", "cluster", "name")).isEqualTo("everycloud-postgresql");
            assertThat((Object) db.get("spec", "databaseReclaimPolicy")).isEqualTo("retain");
        });
        WorkloadPolicyTest.DATABASES.forEach((service, database) -> {
            assertThat(rendering.get(ConfigMap.class, "everycloud-" + service).getData())
                    .containsEntry("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://everycloud-postgresql-rw:5432/" + database);
            assertThat(roles).anySatisfy(r -> {
                assertThat(r.get("name")).isEqualTo(database);
                assertThat(r.get("passwordSecret")).isEqualTo(Map.of("name", "everycloud-" + service + "-database"));
            });
        });
        assertThat(custom(rendering, "ScheduledBackup")).singleElement()
                .satisfies(b -> assertThat((Object) b.get("spec", "cluster", "name")).isEqualTo("everycloud-postgresql"));
    }

    @Test
    void policiesPointAtTheEnginesPodsWhenTheChartRunsThem() {
        NetworkPolicy policy = Chart.render(STRIMZI_CNPG).get(NetworkPolicy.class, "everycloud-claim");

        assertThat(policy.getSpec().getEgress()).anySatisfy(rule -> assertThat(rule.getTo())
                .anySatisfy(peer -> assertThat(peer.getPodSelector()).isNotNull()
                        .satisfies(s -> assertThat(s.getMatchLabels()).containsEntry("strimzi.io/cluster", "everycloud-kafka"))));
        assertThat(policy.getSpec().getEgress()).anySatisfy(rule -> assertThat(rule.getTo())
                .anySatisfy(peer -> assertThat(peer.getPodSelector()).isNotNull()
                        .satisfies(s -> assertThat(s.getMatchLabels()).containsEntry("cnpg.io/cluster", "everycloud-postgresql"))));
    }

    @Test
    void externalEnginesAreUsedByDefaultWithOneUrlAndSecretPerService() {
        Rendering rendering = Chart.render("minimal-external-values.yaml");

        assertThat(rendering.ofKind("Kafka")).isEmpty();
        assertThat(rendering.ofKind("Cluster")).isEmpty();
        assertThat(rendering.get(ConfigMap.class, "everycloud-claim").getData())
                .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "kafka-kafka-bootstrap.kafka.svc:9092")
                .containsEntry("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://postgres.databases.svc:5432/claim");
        assertThat(rendering.get(ConfigMap.class, "everycloud-user").getData())
                .containsEntry("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://postgres.databases.svc:5432/user?sslmode=require");
        assertThat(rendering.get(NetworkPolicy.class, "everycloud-claim").getSpec().getEgress()).anySatisfy(rule -> {
            assertThat(rule.getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(5432);
            assertThat(rule.getTo()).singleElement().satisfies(peer -> assertThat(peer.getNamespaceSelector()).isNotNull()
                    .satisfies(n -> assertThat(n.getMatchLabels()).containsEntry("kubernetes.io/metadata.name", "databases")));
        });
    }
}
