package io.everycloud.kit.page;

import java.util.List;
import java.util.function.Function;

/** One page of a list, as every {@code GET} list route answers: {@code {"items":[...], "nextCursor": ...}}. */
public record Page<T>(List<T> items, String nextCursor) {

    /**
     * Builds the page from rows fetched with {@link PageRequest#fetchSize()} rows in key order;
     * {@code keyOf} gives the sort key the next page starts after.
     */
    public static <T> Page<T> of(List<T> fetched, PageRequest request, Function<T, String> keyOf) {
        if (fetched.size() > request.limit()) {
            List<T> items = List.copyOf(fetched.subList(0, request.limit()));
            return new Page<>(items, PageRequest.encode(keyOf.apply(items.get(items.size() - 1))));
        }
        return new Page<>(List.copyOf(fetched), null);
    }

    public <R> Page<R> map(Function<T, R> mapper) {
        return new Page<>(items.stream().map(mapper).toList(), nextCursor);
    }
}
