package io.everycloud.claim.claiming;

import io.vertx.core.http.HttpServerRequest;

/**
 * The address a request came from. Behind the gateway the peer is the gateway itself, so the
 * address is the last hop of {@code X-Forwarded-For} (the one the gateway appended; earlier hops
 * are whatever the client claimed and are not trusted).
 */
final class ClientAddress {

    private static final int MAX_LENGTH = 64;

    static String of(HttpServerRequest request, boolean trustForwardedFor) {
        if (trustForwardedFor) {
            String forwarded = request.getHeader("X-Forwarded-For");
            if (forwarded != null && !forwarded.isBlank()) {
                String[] hops = forwarded.split(",");
                String last = hops[hops.length - 1].strip();
                if (!last.isEmpty()) {
                    return last.length() > MAX_LENGTH ? last.substring(0, MAX_LENGTH) : last;
                }
            }
        }
        return request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
    }

    private ClientAddress() {
    }
}
