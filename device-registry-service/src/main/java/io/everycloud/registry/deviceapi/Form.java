package io.everycloud.registry.deviceapi;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.everycloud.kit.problem.ProblemException;

/** {@code application/x-www-form-urlencoded}, the encoding of Exosite's device API, both ways. */
public final class Form {

    public static final String MEDIA_TYPE = "application/x-www-form-urlencoded; charset=utf-8";

    /** The pairs of a form body in order (keys may repeat); 400 when a pair has no {@code =}, a bad escape or a NUL. */
    public static List<Map.Entry<String, String>> parse(String body) {
        List<Map.Entry<String, String>> pairs = new ArrayList<>();
        if (body == null || body.isEmpty()) {
            return pairs;
        }
        for (String part : body.split("&", -1)) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw ProblemException.badRequest("body", "'" + abbreviate(part) + "' is not name=value");
            }
            pairs.add(new AbstractMap.SimpleImmutableEntry<>(decode(part.substring(0, eq)), decode(part.substring(eq + 1))));
        }
        return pairs;
    }

    /** The names of a query string such as {@code a&b} (values, if any, are ignored). */
    public static List<String> names(String query) {
        List<String> names = new ArrayList<>();
        if (query == null || query.isEmpty()) {
            return names;
        }
        for (String part : query.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String name = decode(eq < 0 ? part : part.substring(0, eq));
            if (!names.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }

    public static String encode(List<Map.Entry<String, String>> pairs) {
        return pairs.stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    public static Map.Entry<String, String> pair(String name, String value) {
        return new AbstractMap.SimpleImmutableEntry<>(name, value);
    }

    private static String decode(String text) {
        String decoded;
        try {
            decoded = URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("body", "'" + abbreviate(text) + "' has a bad %-escape");
        }
        if (decoded.indexOf('\0') >= 0) {
            throw ProblemException.badRequest("body", "'" + abbreviate(text) + "' contains a NUL character (%00)");
        }
        return decoded;
    }

    private static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    private Form() {
    }
}
