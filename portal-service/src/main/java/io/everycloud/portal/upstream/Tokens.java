package io.everycloud.portal.upstream;

/** What user-service's token endpoint granted: kept server-side in the session, never sent to the browser. */
public record Tokens(String accessToken, String refreshToken, long expiresInSeconds) {
}
