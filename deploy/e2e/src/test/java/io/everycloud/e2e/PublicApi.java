package io.everycloud.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What a person (or the OEM's CLI) does through the one public address, plus the local suite's
 * mail sink: JSON requests with a bearer token, the password grant, reading the emails.
 */
final class PublicApi {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String MAIL_SINK = "http://localhost:8025/messages";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern LINK_TOKEN = Pattern.compile("/(verify|password-reset)\\?token=([^\\s\"'<>&]+)");

    private final String address;

    PublicApi(String address) {
        this.address = address;
    }

    /** An answer with its body parsed when it is JSON. */
    record Answer(int status, String body, HttpResponse<String> raw) {
        JsonNode json() {
            try {
                return body == null || body.isBlank() ? JSON.missingNode() : JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    /** The password grant of a first-party client; the access token. */
    String login(String email, String password, String clientId) {
        Answer answer = send(HttpRequest.newBuilder(URI.create(address + "/oauth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(DeviceSimulator.form(Map.of(
                        "grant_type", "password", "username", email, "password", password, "client_id", clientId)))));
        if (answer.status() != 200) {
            throw new AssertionError("login of " + email + " (client " + clientId + ") answered " + answer);
        }
        return answer.json().path("access_token").asText();
    }

    /** The client-credentials grant of an application client; the access token. */
    String appToken(String clientId, String clientSecret) {
        Answer answer = send(HttpRequest.newBuilder(URI.create(address + "/oauth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(DeviceSimulator.form(Map.of(
                        "grant_type", "client_credentials", "client_id", clientId, "client_secret", clientSecret)))));
        if (answer.status() != 200) {
            throw new AssertionError("client-credentials grant of " + clientId + " answered " + answer);
        }
        return answer.json().path("access_token").asText();
    }

    /** A binary answer (images, ZIP files) with its headers. */
    record Download(int status, byte[] body, HttpResponse<byte[]> raw) {
        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            String type = header("Content-Type");
            return status + " " + type + " " + (type != null && (type.contains("json") || type.startsWith("text"))
                    ? text() : body.length + " bytes");
        }
    }

    Download download(String path, String token) {
        return sendBytes(request(path, token).setHeader("Accept", "*/*").GET());
    }

    Download postForDownload(String path, String token, Object body) {
        return sendBytes(request(path, token).setHeader("Accept", "*/*").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json(body))));
    }

    /** A page as a browser asks for it (Accept: text/html). */
    Answer page(String path) {
        return send(HttpRequest.newBuilder(URI.create(address + path)).header("Accept", "text/html").GET());
    }

    Answer get(String path, String token) {
        return send(request(path, token).GET());
    }

    Answer post(String path, String token, Object body) {
        return send(request(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json(body))));
    }

    Answer put(String path, String token, Object body) {
        return send(request(path, token).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json(body))));
    }

    Answer postRaw(String path, String token, String contentType, byte[] body) {
        return send(request(path, token).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    Answer putRaw(String path, String token, String contentType, byte[] body) {
        return send(request(path, token).header("Content-Type", contentType).PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    Answer delete(String path, String token) {
        return send(request(path, token).DELETE());
    }

    private HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(address + path)).header("Accept", "application/json");
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    static String json(Object body) {
        try {
            return body instanceof String text ? text : JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body(), response);
        } catch (IOException e) {
            throw new AssertionError("request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static Download sendBytes(HttpRequest.Builder request) {
        try {
            HttpResponse<byte[]> response = HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Download(response.statusCode(), response.body(), response);
        } catch (IOException e) {
            throw new AssertionError("request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The first message in the mail sink to {@code recipient} that matches, waiting up to {@code timeout}. */
    static Optional<JsonNode> awaitMail(String recipient, Predicate<JsonNode> matching, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Answer messages = send(HttpRequest.newBuilder(URI.create(MAIL_SINK)).GET());
            if (messages.status() == 200) {
                for (JsonNode message : messages.json()) {
                    boolean toRecipient = false;
                    for (JsonNode to : message.path("to")) {
                        toRecipient |= to.asText().toLowerCase().contains(recipient.toLowerCase());
                    }
                    if (toRecipient && matching.test(message)) {
                        return Optional.of(message);
                    }
                }
            }
            if (System.nanoTime() > deadline) {
                return Optional.empty();
            }
            sleep(Duration.ofMillis(500));
        }
    }

    /** Every message in the sink to {@code recipient}. */
    static long countMail(String recipient) {
        Answer messages = send(HttpRequest.newBuilder(URI.create(MAIL_SINK)).GET());
        long count = 0;
        for (JsonNode message : messages.json()) {
            for (JsonNode to : message.path("to")) {
                if (to.asText().toLowerCase().contains(recipient.toLowerCase())) {
                    count++;
                }
            }
        }
        return count;
    }

    /** The token of a {@code /verify?token=} or {@code /password-reset?token=} link in a mail (text or HTML). */
    static Optional<String> linkToken(JsonNode mail, String page) {
        for (String part : new String[] {mail.path("text").asText(""), mail.path("html").asText("")}) {
            Matcher matcher = LINK_TOKEN.matcher(part.replace("&amp;", "&"));
            while (matcher.find()) {
                if (matcher.group(1).equals(page)) {
                    return Optional.of(URLDecoder.decode(matcher.group(2), StandardCharsets.UTF_8));
                }
            }
        }
        return Optional.empty();
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
