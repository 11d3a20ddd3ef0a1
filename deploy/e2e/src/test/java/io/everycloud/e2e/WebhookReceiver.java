package io.everycloud.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.HttpServer;

/**
 * An application's webhook endpoint, as an app developer would write one: an HTTP server on
 * loopback (a free port chosen by the system) that keeps every request it receives and answers
 * 204. The signature is checked as the notification-service README tells receivers to:
 * {@code X-EveryCloud-Signature: sha256=<hex HMAC-SHA256(secret, "<X-EveryCloud-Timestamp>.<body>")>}.
 */
final class WebhookReceiver implements AutoCloseable {

    /** One request as it arrived. */
    record Delivery(String method, String path, Map<String, List<String>> headers, String body) {
        String header(String name) {
            for (Map.Entry<String, List<String>> header : headers.entrySet()) {
                if (header.getKey() != null && header.getKey().equalsIgnoreCase(name) && !header.getValue().isEmpty()) {
                    return header.getValue().get(0);
                }
            }
            return null;
        }

        /** True when the signature header is the HMAC of timestamp.body with the secret (compared in constant time). */
        boolean signedWith(String secret) {
            String timestamp = header("X-EveryCloud-Timestamp");
            String signature = header("X-EveryCloud-Signature");
            if (timestamp == null || signature == null) {
                return false;
            }
            String expected = "sha256=" + hmacSha256(secret, timestamp + "." + body);
            return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), signature.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return method + " " + path + " delivery=" + header("X-EveryCloud-Delivery") + " " + body;
        }
    }

    private final HttpServer server;
    private final List<Delivery> received = new ArrayList<>();

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                synchronized (received) {
                    received.add(new Delivery(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                            Map.copyOf(exchange.getRequestHeaders()), body));
                }
                exchange.sendResponseHeaders(204, -1);
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    /** The URL the app registers, e.g. {@code http://127.0.0.1:43121/hooks/<name>}. */
    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    List<Delivery> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    static String hmacSha256(String secret, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
