package io.everycloud.portal.session;

import java.util.Optional;

/**
 * The session of the request, as pages see it: who is signed in and the CSRF token for forms.
 * The tokens are not part of it: code that calls other services asks
 * {@link SessionService#accessToken(PortalSession)}, so nothing rendered can leak them.
 */
public record PortalSession(String idHash, String csrfToken, String userId, String email, String pendingNext) {

    public boolean signedIn() {
        return userId != null;
    }

    public Optional<String> next() {
        return Optional.ofNullable(pendingNext);
    }
}
