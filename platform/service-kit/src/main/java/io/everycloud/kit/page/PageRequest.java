package io.everycloud.kit.page;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import io.everycloud.kit.problem.ProblemException;

/**
 * A page of a list: {@code ?limit=} (default 50, at most 500) and an opaque {@code ?cursor=}
 * that carries the sort key of the last item of the previous page. Query values arrive as
 * strings so a bad value gets a 400 naming it (JAX-RS would answer 404 for a failed conversion).
 */
public record PageRequest(int limit, String after) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    public static PageRequest of(String limit, String cursor) {
        int size = DEFAULT_LIMIT;
        if (limit != null && !limit.isBlank()) {
            try {
                size = Integer.parseInt(limit.trim());
            } catch (NumberFormatException e) {
                throw ProblemException.badRequest("limit", "must be a whole number between 1 and " + MAX_LIMIT);
            }
            if (size < 1 || size > MAX_LIMIT) {
                throw ProblemException.badRequest("limit", "must be between 1 and " + MAX_LIMIT);
            }
        }
        return new PageRequest(size, cursor == null || cursor.isBlank() ? null : decode(cursor));
    }

    public static PageRequest first(int limit) {
        return new PageRequest(limit, null);
    }

    /** Rows to fetch: one more than the limit tells whether another page exists. */
    public int fetchSize() {
        return limit + 1;
    }

    public static String encode(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String cursor) {
        try {
            return new String(Base64.getUrlDecoder().decode(cursor.trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("cursor", "is not a cursor this list gave out");
        }
    }
}
