package io.everycloud.user;

import static io.restassured.RestAssured.given;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import io.everycloud.events.Envelope;
import io.everycloud.events.Topics;
import io.everycloud.events.UserEvents;
import io.everycloud.testkit.EventProbe;
import io.everycloud.testkit.Tokens;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/** What the tests do over and over, spelled the way a client does it. */
public final class Api {

    public static final String PASSWORD = "correct horse battery";
    public static final Duration EVENT_WAIT = Duration.ofSeconds(15);

    /** A fresh address per test, so tests never see each other's accounts. */
    public static String email(String what) {
        return what + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    }

    /** A client address of its own, so one test's failed logins never throttle another's. */
    public static String address() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "10." + r.nextInt(1, 255) + "." + r.nextInt(0, 255) + "." + r.nextInt(1, 255);
    }

    public static RequestSpecification oem() {
        return given().header("Authorization", Tokens.bearer(Tokens.oem()));
    }

    public static RequestSpecification json() {
        return given().contentType(ContentType.JSON);
    }

    public static Response signup(String email, String password) {
        return json().body(Map.of("email", email, "password", password)).post("/api/signup");
    }

    public static Response login(String email, String password, String address) {
        return given().header("X-Forwarded-For", address)
                .formParam("grant_type", "password").formParam("client_id", "portal")
                .formParam("username", email).formParam("password", password)
                .post("/oauth/token");
    }

    public static Response login(String email, String password) {
        return login(email, password, address());
    }

    public static Response refresh(String refreshToken) {
        return given().formParam("grant_type", "refresh_token").formParam("refresh_token", refreshToken)
                .post("/oauth/token");
    }

    /** The account.registered.v1 event announcing this address. */
    public static UserEvents.AccountRegistered registered(String email) {
        return event(UserEvents.AccountRegistered.class, email);
    }

    /** The newest event of the type about this address (events carry the e-mail address). */
    public static <T extends Record> T event(Class<T> type, String email) {
        java.util.List<Envelope> found = EventProbe.await(Topics.USER_ACCOUNT,
                e -> e.is(type) && email.equalsIgnoreCase(e.data().path("email").asText()), 1, EVENT_WAIT);
        return found.get(found.size() - 1).dataAs(type);
    }

    /** An active account: signed up and verified through the link of its registration event. */
    public static UUID activeUser(String email) {
        signup(email, PASSWORD).then().statusCode(201);
        UserEvents.AccountRegistered registered = registered(email);
        json().body(Map.of("token", tokenOf(registered.verificationUrl()))).post("/api/verify").then().statusCode(200);
        return registered.userId();
    }

    /** The newest event of the type about this account (its subject). */
    public static <T extends Record> T event(Class<T> type, UUID userId) {
        java.util.List<Envelope> found = EventProbe.await(Topics.USER_ACCOUNT,
                e -> e.is(type) && e.subject().equals(userId.toString()), 1, EVENT_WAIT);
        return found.get(found.size() - 1).dataAs(type);
    }

    /** The {@code token} query parameter of an e-mailed link. */
    public static String tokenOf(String link) {
        String query = URI.create(link).getRawQuery();
        for (String pair : query.split("&")) {
            if (pair.startsWith("token=")) {
                return URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no token in " + link);
    }

    private Api() {
    }
}
