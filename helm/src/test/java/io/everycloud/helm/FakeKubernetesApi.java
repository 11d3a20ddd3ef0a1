package io.everycloud.helm;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The few Kubernetes API answers the chart's {@code lookup} calls need (discovery of v1 and GET of
 * one Secret). A fake, because no kube-apiserver can run on the build machines (SETUP.md); it lets
 * the tests prove that generated passwords survive upgrades.
 *
 * <p>helm-java's template action talks to the cluster named by {@code KUBECONFIG} for
 * {@code lookup}; surefire points that variable at {@code target/fake-kubeconfig}, which this class
 * writes when it starts. Without it, Helm would try {@code localhost:8080} — the local suite's
 * gateway.
 */
final class FakeKubernetesApi {

    private static FakeKubernetesApi instance;

    private final Map<String, Map<String, String>> secrets = new ConcurrentHashMap<>();

    private FakeKubernetesApi() {
    }

    /** Starts the fake once per test JVM and points the kubeconfig at it. */
    static synchronized FakeKubernetesApi start() {
        if (instance == null) {
            FakeKubernetesApi api = new FakeKubernetesApi();
            api.listen();
            instance = api;
        }
        return instance;
    }

    /** Makes a Secret exist (values in plain text; stored base64 like the API does). */
    void putSecret(String namespace, String name, Map<String, String> data) {
        secrets.put(namespace + "/" + name, data.entrySet().stream().collect(Collectors.toMap(
                Map.Entry::getKey,
                e -> Base64.getEncoder().encodeToString(e.getValue().getBytes(StandardCharsets.UTF_8)))));
    }

    void clear() {
        secrets.clear();
    }

    private void listen() {
        String kubeconfig = System.getenv("KUBECONFIG");
        if (kubeconfig == null || kubeconfig.isBlank()) {
            throw new IllegalStateException("KUBECONFIG is not set: run the tests through Maven (helm/pom.xml sets it)");
        }
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                String path = exchange.getRequestURI().getPath();
                int status = 200;
                String body;
                if (path.equals("/api")) {
                    body = "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"]}";
                } else if (path.equals("/apis")) {
                    body = "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[]}";
                } else if (path.equals("/api/v1")) {
                    body = "{\"kind\":\"APIResourceList\",\"groupVersion\":\"v1\",\"resources\":["
                            + "{\"name\":\"secrets\",\"singularName\":\"secret\",\"namespaced\":true,"
                            + "\"kind\":\"Secret\",\"verbs\":[\"get\"]}]}";
                } else if (path.matches("/api/v1/namespaces/[^/]+/secrets/[^/]+")) {
                    String[] parts = path.split("/");
                    Map<String, String> data = secrets.get(parts[4] + "/" + parts[6]);
                    if (data == null) {
                        status = 404;
                        body = notFound();
                    } else {
                        body = "{\"kind\":\"Secret\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"" + parts[6]
                                + "\",\"namespace\":\"" + parts[4] + "\"},\"data\":{"
                                + data.entrySet().stream()
                                        .map(e -> "\"" + e.getKey() + "\":\"" + e.getValue() + "\"")
                                        .collect(Collectors.joining(","))
                                + "}}";
                    }
                } else {
                    status = 404;
                    body = notFound();
                }
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, bytes.length);
                exchange.getResponseBody().write(bytes);
                exchange.close();
            });
            server.start();
            Path file = Path.of(kubeconfig);
            Files.createDirectories(file.getParent());
            Files.writeString(file, """
                    apiVersion: v1
                    kind: Config
                    clusters:
                      - name: fake
                        cluster:
                          server: http://127.0.0.1:%d
                    users:
                      - name: fake
                        user:
                          token: fake
                    contexts:
                      - name: fake
                        context:
                          cluster: fake
                          user: fake
                    current-context: fake
                    """.formatted(server.getAddress().getPort()));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String notFound() {
        return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}";
    }
}
