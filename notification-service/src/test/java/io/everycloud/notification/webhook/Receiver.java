package io.everycloud.notification.webhook;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;

/** A webhook receiver on one loopback address that records what reached it and answers 204. */
final class Receiver implements AutoCloseable {

    /** One request as the receiver saw it. */
    record Request(String host, String deliveryId, String timestamp, String signature, String body) {
    }

    private final HttpServer server;
    private final List<Request> received = new CopyOnWriteArrayList<>();

    /** Listens on the address and port (0: any free port). */
    Receiver(String address, int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(address), port), 10);
        server.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(new Request(exchange.getRequestHeaders().getFirst("Host"),
                    exchange.getRequestHeaders().getFirst(WebhookSignature.DELIVERY_HEADER),
                    exchange.getRequestHeaders().getFirst(WebhookSignature.TIMESTAMP_HEADER),
                    exchange.getRequestHeaders().getFirst(WebhookSignature.SIGNATURE_HEADER),
                    new String(body, StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    List<Request> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
