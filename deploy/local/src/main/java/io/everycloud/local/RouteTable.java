package io.everycloud.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The routing table of the public address, read from {@code helm/everycloud/files/routes.json}
 * (the same file the chart's Ingress is rendered from), resolved the way Kubernetes resolves
 * {@code pathType: Prefix}: a prefix matches whole path elements only ({@code /api/devices}
 * matches {@code /api/devices} and {@code /api/devices/x}, never {@code /api/devicesx}), and the
 * longest matching prefix wins.
 */
public final class RouteTable {

    /** Where a request goes: the service, its local port, the path to ask it for, and whether long polls pass. */
    public record Target(String service, int port, String path, boolean longPoll) {
    }

    private record Route(String prefix, String service, boolean longPoll, boolean stripPrefix) {
    }

    private final Map<String, Integer> ports;
    private final List<Route> routes;

    private RouteTable(Map<String, Integer> ports, List<Route> routes) {
        this.ports = ports;
        this.routes = routes.stream().sorted(Comparator.comparingInt((Route r) -> r.prefix().length()).reversed()).toList();
    }

    public static RouteTable read(Path file) {
        try {
            return parse(new ObjectMapper().readTree(file.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the routing table " + file, e);
        }
    }

    static RouteTable parse(JsonNode root) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        root.path("services").fields().forEachRemaining(e -> ports.put(e.getKey(), e.getValue().path("localPort").asInt()));
        List<Route> routes = new ArrayList<>();
        for (JsonNode route : root.path("routes")) {
            String service = route.path("service").asText();
            if (!ports.containsKey(service)) {
                throw new IllegalArgumentException("route " + route.path("prefix").asText() + " names an unknown service " + service);
            }
            routes.add(new Route(route.path("prefix").asText(), service, route.path("longPoll").asBoolean(false), false));
        }
        // Health of each service on the public address: /services/<service>/q/health... reaches
        // that service's /q/health... with /services/<service> stripped.
        JsonNode health = root.path("health");
        if (!health.isMissingNode()) {
            String prefix = health.path("prefix").asText();
            for (String service : ports.keySet()) {
                for (JsonNode path : health.path("paths")) {
                    routes.add(new Route(prefix + "/" + service + path.asText(), service, false, true));
                }
            }
        }
        return new RouteTable(Map.copyOf(ports), routes);
    }

    /** The services of the table and their local ports, in the table's order. */
    public Map<String, Integer> services() {
        return ports;
    }

    /** A copy of this table whose services listen on other ports (tests). */
    public RouteTable withPorts(Map<String, Integer> otherPorts) {
        return new RouteTable(Map.copyOf(otherPorts), routes);
    }

    /** The target of a request path (without query), or null when no route matches. */
    public Target resolve(String path) {
        for (Route route : routes) {
            if (matches(route.prefix(), path)) {
                String forwarded = path;
                if (route.stripPrefix()) {
                    String servicePrefix = route.prefix().substring(0, route.prefix().indexOf("/q/"));
                    forwarded = path.substring(servicePrefix.length());
                }
                return new Target(route.service(), ports.get(route.service()), forwarded, route.longPoll());
            }
        }
        return null;
    }

    /** Kubernetes pathType Prefix: element-wise; a trailing slash on either side is ignored. */
    static boolean matches(String prefix, String path) {
        String p = trimTrailingSlash(prefix);
        if (p.isEmpty()) {
            return path.startsWith("/");
        }
        return path.equals(p) || path.startsWith(p + "/");
    }

    private static String trimTrailingSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
