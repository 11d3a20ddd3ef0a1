package io.everycloud.kit.security;

import java.util.Optional;
import java.util.UUID;

import io.everycloud.kit.problem.ProblemException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.jwt.JsonWebToken;

/** Who is calling: the token's subject and role, for object-level authorization. */
@RequestScoped
public class Caller {

    @Inject
    SecurityIdentity identity;

    /** The token subject: a user id, the OEM operator's id, or an app id. */
    public String id() {
        if (identity.isAnonymous()) {
            throw ProblemException.unauthorized();
        }
        return identity.getPrincipal() instanceof JsonWebToken jwt && jwt.getSubject() != null ? jwt.getSubject()
                : identity.getPrincipal().getName();
    }

    public boolean isOem() {
        return identity.hasRole(Roles.OEM);
    }

    public boolean isUser() {
        return identity.hasRole(Roles.USER);
    }

    public boolean isApp() {
        return identity.hasRole(Roles.APP);
    }

    public boolean isAnonymous() {
        return identity.isAnonymous();
    }

    /** The caller's user id; only for end users and operators, whose subjects are UUIDs. */
    public UUID userId() {
        try {
            return UUID.fromString(id());
        } catch (IllegalArgumentException e) {
            throw ProblemException.forbidden("this action needs a user account");
        }
    }

    public Optional<String> email() {
        if (identity.getPrincipal() instanceof JsonWebToken jwt) {
            return Optional.ofNullable(jwt.getClaim("email"));
        }
        return Optional.empty();
    }

    /** The raw bearer token, to forward to another service on the caller's behalf. */
    public Optional<String> rawToken() {
        if (identity.getPrincipal() instanceof JsonWebToken jwt) {
            return Optional.ofNullable(jwt.getRawToken());
        }
        return Optional.empty();
    }
}
