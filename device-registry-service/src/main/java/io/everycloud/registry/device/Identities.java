package io.everycloud.registry.device;

import java.util.regex.Pattern;

import io.everycloud.kit.problem.ProblemException;

/** Device identities: 1–128 characters of {@code [A-Za-z0-9._:@-]} (API.md). */
public final class Identities {

    private static final Pattern IDENTITY = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");

    public static boolean valid(String identity) {
        return identity != null && IDENTITY.matcher(identity).matches();
    }

    /** Checks an identity from a request body, naming the field when it is not one. */
    public static String require(String field, String identity) {
        if (identity == null || identity.isEmpty()) {
            throw ProblemException.badRequest(field, "is required");
        }
        if (!valid(identity)) {
            throw ProblemException.badRequest(field, "must be 1-128 characters of A-Z a-z 0-9 . _ : @ -");
        }
        return identity;
    }

    private Identities() {
    }
}
