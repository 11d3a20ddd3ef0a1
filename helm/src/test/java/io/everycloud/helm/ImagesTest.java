package io.everycloud.helm;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each service's JVM image fits the chart: the quarkus-app layout, the user the pods run as, port
 * 8080, and the class-data archive the image writes with its own JVM is the one the service maps.
 */
class ImagesTest {

    static List<String> services() {
        return Chart.SERVICES;
    }

    @ParameterizedTest
    @MethodSource("services")
    void theDockerfileRunsTheQuarkusAppWithItsOwnClassDataArchiveAsTheChartsNonRootUser(String service) throws IOException {
        Path dockerfile = Chart.dir().getParent().getParent().resolve(service + "-service/src/main/docker/Dockerfile.jvm");
        List<String> lines = Files.readAllLines(dockerfile).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        long runAsUser = Chart.renderDefaults().get(Deployment.class, "everycloud-" + service)
                .getSpec().getTemplate().getSpec().getSecurityContext().getRunAsUser();

        assertThat(lines).contains(
                "COPY target/quarkus-app/lib/ /deployments/lib/",
                "COPY target/quarkus-app/*.jar /deployments/",
                "COPY target/quarkus-app/app/ /deployments/app/",
                "COPY target/quarkus-app/quarkus/ /deployments/quarkus/",
                "EXPOSE 8080");
        assertThat(lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b))
                .as("the last USER of the image").hasValue("USER " + runAsUser);
        assertThat(lines.get(lines.size() - 1)).startsWith("ENTRYPOINT");
        String text = String.join("\n", lines);
        assertThat(text)
                .as("the archive is written by the image's JVM after the application is copied")
                .contains("RUN cd /deployments && java -XX:ArchiveClassesAtExit=/deployments/app-cds.jsa")
                .contains("-Dquarkus.appcds.generate=true")
                .as("and mapped by every start")
                .contains("-XX:SharedArchiveFile=/deployments/app-cds.jsa");
        // but not with a Java agent or a flight recording from the start: OpenJDK 17 crashes when a class
        // file load hook meets an archived class of a multi-release jar (JDK-8343427)
        assertThat(lines.get(lines.size() - 1)).contains("*-javaagent:*", "*-agentpath:*", "*StartFlightRecording*",
                "$JAVA_TOOL_OPTIONS", "-XX:SharedArchiveFile=/deployments/app-cds.jsa", "exec /opt/jboss/container/java/run/run-java.sh");
        assertThat(text.indexOf("ArchiveClassesAtExit")).isGreaterThan(text.indexOf("COPY target/quarkus-app/quarkus/"));
    }
}
