package io.everycloud.registry.deviceapi;

import static io.everycloud.registry.Fleet.activate;
import static io.everycloud.registry.Fleet.get;
import static io.everycloud.registry.Fleet.newIdentity;
import static io.everycloud.registry.Fleet.oem;
import static io.everycloud.registry.Fleet.post;
import static io.everycloud.registry.Fleet.provision;
import static io.everycloud.registry.Fleet.provisionAndActivate;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.everycloud.registry.Fleet;
import io.everycloud.registry.resource.LongPolls;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Every row of API.md's device API table, as firmware written for Exosite sends it. */
@QuarkusTest
class DeviceApiTest {

    @Inject
    LongPolls polls;

    @Test
    void activationWithIdReturnsA40CharacterTokenOnce() {
        String identity = newIdentity("act");
        provision(identity);
        HttpResponse<String> answer = post("/provision/activate", null, "id=" + identity);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(answer.body()).matches("[0-9a-f]{40}");

        HttpResponse<String> again = post("/provision/activate", null, "id=" + identity);
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).doesNotContain(answer.body());
    }

    @Test
    void activationWithVendorModelAndSerialNumberWorksForThisProduct() {
        String identity = newIdentity("vms");
        provision(identity);
        HttpResponse<String> foreign = post("/provision/activate", null, "vendor=other&model=other&sn=" + identity);
        assertThat(foreign.statusCode()).isEqualTo(404);

        HttpResponse<String> answer = post("/provision/activate", null, "vendor=dev-product&model=dev-product&sn=" + identity);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).matches("[0-9a-f]{40}");
    }

    @Test
    void activationOfAnUnknownIdentityIs404InWhitelistMode() {
        assertThat(post("/provision/activate", null, "id=" + newIdentity("nobody")).statusCode()).isEqualTo(404);
        assertThat(post("/provision/activate", null, "").statusCode()).isEqualTo(400);
    }

    @Test
    void reactivationLetsTheDeviceActivateAgainAndTheOldTokenStopsWorking() {
        String identity = newIdentity("react");
        String old = provisionAndActivate(identity);
        given().header("Authorization", oem()).when().post("/api/devices/{id}/reactivate", identity).then().statusCode(200);

        assertThat(post("/onep:v1/stack/alias", old, "a=1").statusCode()).isEqualTo(401);
        String fresh = activate(identity);
        assertThat(fresh).isNotEqualTo(old);
        assertThat(post("/onep:v1/stack/alias", fresh, "a=1").statusCode()).isEqualTo(204);
    }

    @Test
    void writeThenReadAnswersOnlyAliasesWithValuesInFormEncoding() {
        String token = provisionAndActivate(newIdentity("rw"));
        HttpResponse<String> write = post("/onep:v1/stack/alias", token, "a=1&b=hello+world%26more");
        assertThat(write.statusCode()).isEqualTo(204);

        HttpResponse<String> read = get("/onep:v1/stack/alias?a&b&c", token);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/x-www-form-urlencoded"));
        assertThat(read.body()).isEqualTo("a=1&b=hello+world%26more");

        assertThat(get("/onep:v1/stack/alias?c&d", token).statusCode()).isEqualTo(204);
    }

    @Test
    void postWithReadsWritesFirstThenAnswersTheReads() {
        String token = provisionAndActivate(newIdentity("wtr"));
        post("/onep:v1/stack/alias", token, "r2=old");
        HttpResponse<String> answer = post("/onep:v1/stack/alias?r1&r2", token, "r1=new&x=9");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("r1=new&r2=old");
    }

    @Test
    void aMissingOrWrongTokenIs401() {
        assertThat(post("/onep:v1/stack/alias", null, "a=1").statusCode()).isEqualTo(401);
        assertThat(post("/onep:v1/stack/alias", "0".repeat(40), "a=1").statusCode()).isEqualTo(401);
        assertThat(get("/onep:v1/stack/alias?a", "0".repeat(40)).statusCode()).isEqualTo(401);
        assertThat(post("/onep:v1/stack/record", "0".repeat(40), "alias=a&1=2").statusCode()).isEqualTo(401);
    }

    @Test
    void malformedBodiesAre400AndNothingIsWritten() {
        String token = provisionAndActivate(newIdentity("bad"));
        assertThat(post("/onep:v1/stack/alias", token, "good=1&justaname").statusCode()).isEqualTo(400);
        assertThat(post("/onep:v1/stack/alias", token, "good=1&x=%zz").statusCode()).isEqualTo(400);
        assertThat(post("/onep:v1/stack/alias", token, "good=1&x=a%00b").statusCode()).isEqualTo(400);
        assertThat(post("/onep:v1/stack/alias", token, "bad alias!=1").statusCode()).isEqualTo(400);
        assertThat(post("/onep:v1/stack/alias", token, "").statusCode()).isEqualTo(400);
        assertThat(get("/onep:v1/stack/alias?good", token).statusCode()).isEqualTo(204);
    }

    @Test
    void aValueOverOneMebibyteIs413AndSmallerOnesAreKept() {
        String token = provisionAndActivate(newIdentity("big"));
        String mebibyte = "x".repeat(1024 * 1024);
        assertThat(post("/onep:v1/stack/alias", token, "blob=" + mebibyte).statusCode()).isEqualTo(204);
        HttpResponse<String> tooBig = post("/onep:v1/stack/alias", token, "blob=" + mebibyte + "y");
        assertThat(tooBig.statusCode()).isEqualTo(413);
        assertThat(get("/onep:v1/stack/alias?blob", token).body()).hasSize("blob=".length() + 1024 * 1024);
    }

    @Test
    void recordStoresTimestampedPointsAndListsTheRefusedOnesWith409() {
        String identity = newIdentity("rec");
        String token = provisionAndActivate(identity);
        long now = Instant.now().getEpochSecond();
        HttpResponse<String> first = post("/onep:v1/stack/record", token,
                "alias=temp&" + (now - 20) + "=20.5&" + (now - 10) + "=21.0&alias=hum&" + (now - 10) + "=40");
        assertThat(first.statusCode()).isEqualTo(204);
        assertThat(get("/onep:v1/stack/alias?temp&hum", token).body()).isEqualTo("temp=21.0&hum=40");

        HttpResponse<String> second = post("/onep:v1/stack/record", token,
                "alias=temp&" + (now - 10) + "=99&" + (now - 5) + "=22&notatime=1&" + (now + 86_400) + "=5");
        assertThat(second.statusCode()).isEqualTo(409);
        assertThat(second.body()).isEqualTo("temp=notatime&temp=" + (now + 86_400) + "&temp=" + (now - 10));
        assertThat(get("/onep:v1/stack/alias?temp", token).body()).isEqualTo("temp=22");

        assertThat(post("/onep:v1/stack/record", token, (now - 5) + "=1").statusCode()).isEqualTo(400);
    }

    @Test
    void timestampAnswersUnixSeconds() {
        HttpResponse<String> answer = get("/timestamp", null);
        assertThat(answer.statusCode()).isEqualTo(200);
        long seconds = Long.parseLong(answer.body());
        assertThat(seconds).isBetween(Instant.now().getEpochSecond() - 60, Instant.now().getEpochSecond() + 60);
    }

    @Test
    void aLongPollIsAnsweredByAPlatformWrite() throws Exception {
        String identity = newIdentity("poll");
        String token = provisionAndActivate(identity);
        int before = polls.held();
        CompletableFuture<HttpResponse<String>> poll = Fleet.getAsync("/onep:v1/stack/alias?config_io", token,
                "Request-Timeout", "300000");
        awaitHeld(before + 1);

        given().header("Authorization", oem()).contentType(ContentType.JSON).body("{\"value\":\"on\"}")
                .when().put("/api/devices/{id}/resources/config_io", identity).then().statusCode(200);

        HttpResponse<String> answer = poll.get(30, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("config_io=on");
        assertThat(answer.headers().firstValue("Last-Modified")).isPresent();
    }

    @Test
    void aLongPollIsAnsweredByTheDevicesOwnWriteOfThatAlias() throws Exception {
        String token = provisionAndActivate(newIdentity("self"));
        int before = polls.held();
        CompletableFuture<HttpResponse<String>> poll = Fleet.getAsync("/onep:v1/stack/alias?state", token,
                "Request-Timeout", "300000");
        awaitHeld(before + 1);
        assertThat(post("/onep:v1/stack/alias", token, "other=1&state=ready").statusCode()).isEqualTo(204);
        assertThat(poll.get(30, TimeUnit.SECONDS).body()).isEqualTo("state=ready");
    }

    @Test
    void heldLongPollsHoldNoWorkerThread() throws Exception {
        // more polls than the worker pool has threads (200 by default): if each held one, the write below could not run
        String identity = newIdentity("many");
        String token = provisionAndActivate(identity);
        int before = polls.held();
        List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            held.add(Fleet.getAsync("/onep:v1/stack/alias?burst", token, "Request-Timeout", "300000"));
        }
        awaitHeld(before + 250);
        assertThat(post("/onep:v1/stack/alias", token, "burst=go").statusCode()).isEqualTo(204);
        for (CompletableFuture<HttpResponse<String>> poll : held) {
            assertThat(poll.get(60, TimeUnit.SECONDS).body()).isEqualTo("burst=go");
        }
    }

    @Test
    void aLongPollWithoutChangeAnswers304AtItsTimeout() {
        String token = provisionAndActivate(newIdentity("quiet"));
        post("/onep:v1/stack/alias", token, "a=1");
        long now = Instant.now().getEpochSecond() + 1;
        HttpResponse<String> answer = get("/onep:v1/stack/alias?a", token, "Request-Timeout", "300",
                "If-Modified-Since", Long.toString(now));
        assertThat(answer.statusCode()).isEqualTo(304);
    }

    @Test
    void aLongPollAnswersAtOnceWhenTheValueChangedSinceTheGivenTime() {
        String token = provisionAndActivate(newIdentity("since"));
        post("/onep:v1/stack/alias", token, "a=1");
        long earlier = Instant.now().getEpochSecond() - 120;
        HttpResponse<String> unix = get("/onep:v1/stack/alias?a", token, "Request-Timeout", "300000",
                "If-Modified-Since", Long.toString(earlier));
        assertThat(unix.statusCode()).isEqualTo(200);
        assertThat(unix.body()).isEqualTo("a=1");

        String httpDate = DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.ofEpochSecond(earlier).atZone(ZoneOffset.UTC));
        HttpResponse<String> dated = get("/onep:v1/stack/alias?a", token, "Request-Timeout", "300000",
                "If-Modified-Since", httpDate);
        assertThat(dated.statusCode()).isEqualTo(200);
    }

    @Test
    void longPollLimitsAreChecked() {
        String token = provisionAndActivate(newIdentity("limits"));
        assertThat(get("/onep:v1/stack/alias?a", token, "Request-Timeout", "300001").statusCode()).isEqualTo(400);
        assertThat(get("/onep:v1/stack/alias?a", token, "Request-Timeout", "soon").statusCode()).isEqualTo(400);
        assertThat(get("/onep:v1/stack/alias?a&b", token, "Request-Timeout", "1000").statusCode()).isEqualTo(400);
        assertThat(get("/onep:v1/stack/alias?a", token, "Request-Timeout", "1000", "If-Modified-Since", "yesterday")
                .statusCode()).isEqualTo(400);
    }

    @Test
    void deviceTrafficUpdatesLastSeen() {
        String identity = newIdentity("seen");
        provision(identity);
        given().header("Authorization", oem()).when().get("/api/devices/{id}", identity).then().statusCode(200)
                .body("lastSeenAt", org.hamcrest.Matchers.nullValue());
        String token = activate(identity);
        post("/onep:v1/stack/alias", token, "fw_version=1.2.3");
        given().header("Authorization", oem()).when().get("/api/devices/{id}", identity).then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("activated"))
                .body("lastSeenAt", org.hamcrest.Matchers.notNullValue())
                .body("resources.fw_version.value", org.hamcrest.Matchers.equalTo("1.2.3"));
    }

    private void awaitHeld(int count) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (polls.held() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the long poll was not held");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
