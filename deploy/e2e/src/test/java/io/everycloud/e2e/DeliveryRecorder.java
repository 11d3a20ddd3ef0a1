package io.everycloud.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An app's webhook endpoint on 127.0.0.1 (a free port) that keeps every delivery it receives, so
 * a test can count what reached the app: one JSON body per POST, answered 204.
 */
final class DeliveryRecorder implements AutoCloseable {

    private final HttpServer server;
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();

    private DeliveryRecorder(HttpServer server) {
        this.server = server;
    }

    static DeliveryRecorder start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        DeliveryRecorder recorder = new DeliveryRecorder(server);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "delivery-recorder");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", recorder::handle);
        server.start();
        return recorder;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    List<JsonNode> received() {
        return List.copyOf(received);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            if (exchange.getRequestMethod().equals("POST")) {
                try {
                    received.add(PublicApi.JSON.readTree(body));
                } catch (IOException e) {
                    received.add(PublicApi.JSON.getNodeFactory().textNode("unreadable: " + new String(body)));
                }
            }
            exchange.sendResponseHeaders(204, -1);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
