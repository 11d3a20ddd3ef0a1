package io.everycloud.kit.http;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * A small JSON body reaches a blocking resource method read whole on the event loop (the method's
 * worker does not wait for it); other bodies keep the streaming path and are read as before.
 */
@QuarkusTest
class SmallJsonBodiesTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void aSmallJsonBodyIsReadBeforeTheWorkerRuns() {
        given().contentType(ContentType.JSON).body("{\"code\":\"ABCD-1234\"}")
                .when().post("/bodies")
                .then().statusCode(200)
                .body("body.code", equalTo("ABCD-1234"))
                .body("thread", startsWith("executor-thread"))
                .body("readAhead", equalTo(true));
        given().contentType("application/merge-patch+json; charset=UTF-8").body("{\"name\":null}")
                .when().post("/bodies")
                .then().statusCode(200).body("readAhead", equalTo(true));
    }

    @Test
    void otherBodiesStream() {
        // not JSON by its media type: the resource reads it through the stream, as before
        given().contentType(ContentType.TEXT).body("{\"code\":\"x\"}")
                .when().post("/bodies/text")
                .then().statusCode(200).body("length", equalTo(12)).body("readAhead", equalTo(false));
        // larger than what is read ahead (the path's own limit, the kit's 1 MiB, still applies)
        String big = "{\"pad\":\"" + "p".repeat(SmallJsonBodies.MAX_BYTES) + "\"}";
        given().contentType(ContentType.JSON).body(big)
                .when().post("/bodies")
                .then().statusCode(200).body("body.pad.size()", equalTo(SmallJsonBodies.MAX_BYTES))
                .body("readAhead", equalTo(false));
    }

    @Test
    void aBodyThatArrivesInPartsIsWaitedForWhole() throws Exception {
        byte[] body = "{\"code\":\"PART-ONE-PART-TWO\"}".getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /bodies HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, 10);
            out.flush();
            Thread.sleep(300);
            out.write(body, 10, body.length - 10);
            out.flush();
            String answer = readAll(socket.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 200").contains("\"code\":\"PART-ONE-PART-TWO\"").contains("\"readAhead\":true");
        }
    }

    @Test
    void http2RequestsStream() throws Exception {
        // the JDK's client upgrades to HTTP/2 (h2c) on the first request; the later ones are HTTP/2
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> last = null;
        for (int i = 0; i < 3; i++) {
            last = http.send(HttpRequest.newBuilder(URI.create(base + "bodies")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"H2-" + i + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(last.statusCode()).as(last.body()).isEqualTo(200);
            assertThat(last.body()).contains("\"code\":\"H2-" + i + "\"");
        }
        assertThat(last.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(last.body()).contains("\"readAhead\":false");
    }

    @Test
    void aBodyOverThePathsLimitIsStillRefused() {
        // /notes allows 1024 bytes (application.properties): a JSON body under 64 KiB but over the path's
        // limit is still the size check's 413 (that it comes before the read ahead is the filters' order)
        given().contentType(ContentType.JSON).body("{\"text\":\"" + "t".repeat(2000) + "\",\"count\":1}")
                .when().post("/notes")
                .then().statusCode(413).contentType("application/problem+json");
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        return all.toString(StandardCharsets.UTF_8);
    }
}
