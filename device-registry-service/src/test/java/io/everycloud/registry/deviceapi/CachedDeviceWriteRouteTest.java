package io.everycloud.registry.deviceapi;

import static io.everycloud.registry.Fleet.get;
import static io.everycloud.registry.Fleet.newIdentity;
import static io.everycloud.registry.Fleet.post;
import static io.everycloud.registry.Fleet.provisionAndActivate;
import static io.everycloud.registry.Fleet.setTag;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.everycloud.registry.Fleet;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A device's write of its values, once its token is cached, is answered by the Vert.x route
 * ({@link CachedDeviceWriteRoute}) and the device sees exactly what the REST resource answers:
 * 204 and the value stored, or the same problems for the same bad bodies, with nothing written.
 */
@QuarkusTest
class CachedDeviceWriteRouteTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Inject
    CachedDeviceWriteRoute route;

    @Test
    void aCachedDevicesWritesAreAnsweredByTheRouteAndStored() {
        String token = provisionAndActivate(newIdentity("lane"));
        long before = route.answered();
        assertThat(post("/onep:v1/stack/alias", token, "a=1").statusCode()).isEqualTo(204);
        assertThat(route.answered()).as("the first request checks the token in the REST layer").isEqualTo(before);

        HttpResponse<String> second = post("/onep:v1/stack/alias", token, "a=2&b=hello+world%26more");
        assertThat(second.statusCode()).isEqualTo(204);
        assertThat(second.body()).isEmpty();
        assertThat(route.answered()).isEqualTo(before + 1);
        assertThat(get("/onep:v1/stack/alias?a&b", token).body()).isEqualTo("a=2&b=hello+world%26more");
    }

    @Test
    void badBodiesGetTheSameProblemsAndNothingIsWritten() {
        String token = provisionAndActivate(newIdentity("lanebad"));
        assertThat(post("/onep:v1/stack/alias", token, "good=0").statusCode()).isEqualTo(204);
        long before = route.answered();

        for (String body : List.of("good=1&justaname", "good=1&x=%zz", "good=1&x=a%00b", "bad alias!=1", "")) {
            HttpResponse<String> answer = post("/onep:v1/stack/alias", token, body);
            assertThat(answer.statusCode()).as(body).isEqualTo(400);
            assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(answer.body()).contains("\"field\":\"body\"");
        }
        HttpResponse<String> tooBig = post("/onep:v1/stack/alias", token, "good=1&blob=" + "x".repeat(1024 * 1024 + 1));
        assertThat(tooBig.statusCode()).isEqualTo(413);
        assertThat(tooBig.body()).contains("the value of blob is larger than 1048576 bytes");

        assertThat(get("/onep:v1/stack/alias?good&blob", token).body()).isEqualTo("good=0");
        assertThat(route.answered()).as("problems are not counted as answered writes").isEqualTo(before);
    }

    @Test
    void whatTheRouteDoesNotTakeIsAnsweredByTheResource() throws Exception {
        String token = provisionAndActivate(newIdentity("lanerest"));
        assertThat(post("/onep:v1/stack/alias", token, "a=1").statusCode()).isEqualTo(204);
        long before = route.answered();

        // reads after the write
        HttpResponse<String> withReads = post("/onep:v1/stack/alias?a", token, "a=2");
        assertThat(withReads.statusCode()).isEqualTo(200);
        assertThat(withReads.body()).isEqualTo("a=2");
        // a chunked body (no Content-Length)
        HttpRequest chunked = HttpRequest.newBuilder(Fleet.uri("/onep:v1/stack/alias")).header("Content-Type", Fleet.FORM)
                .header("X-Exosite-CIK", token)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream("a=3".getBytes(StandardCharsets.UTF_8))))
                .build();
        assertThat(send(chunked).statusCode()).isEqualTo(204);
        // a token the registry does not know
        assertThat(post("/onep:v1/stack/alias", "0".repeat(40), "a=1").statusCode()).isEqualTo(401);

        assertThat(get("/onep:v1/stack/alias?a", token).body()).isEqualTo("a=3");
        assertThat(route.answered()).isEqualTo(before);
    }

    @Test
    void aDeviceRoutedToAnAppIsWrittenByTheResource() {
        String identity = newIdentity("laneapp");
        String token = provisionAndActivate(identity);
        setTag(identity, "apps", List.of("weather-app"));
        assertThat(post("/onep:v1/stack/alias", token, "data_in=%7B%22t%22%3A1%7D").statusCode()).isEqualTo(204);
        long before = route.answered();
        assertThat(post("/onep:v1/stack/alias", token, "data_in=%7B%22t%22%3A2%7D").statusCode()).isEqualTo(204);
        assertThat(route.answered()).as("data routed to apps is built by the resource").isEqualTo(before);
        assertThat(get("/onep:v1/stack/alias?data_in", token).body()).isEqualTo("data_in=%7B%22t%22%3A2%7D");
    }

    private static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
