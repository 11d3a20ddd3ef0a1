package io.everycloud.registry.tag;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.everycloud.kit.problem.Problem;
import io.everycloud.kit.problem.ProblemException;
import io.everycloud.registry.RegistryConfig;

/**
 * The seed's device tags and their rules: {@code claim_code} (any strings), {@code expires} (one
 * Unix time in seconds), {@code users} (owner user ids), {@code apps} (app ids) and
 * {@code app:<appId>:<name>} (an application's own tags), plus the OEM's own tag names.
 */
@ApplicationScoped
public class Tags {

    public static final String CLAIM_CODE = "claim_code";
    public static final String EXPIRES = "expires";
    public static final String USERS = "users";
    public static final String APPS = "apps";
    public static final String APP_PREFIX = "app:";

    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern APP_ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern APP_TAG = Pattern.compile("app:([A-Za-z0-9_.-]{1,64}):([A-Za-z0-9_.-]{1,64})");

    @Inject
    RegistryConfig config;

    /** Whether a name is a tag name at all (plain, or {@code app:<appId>:<name>}). */
    public static boolean validName(String name) {
        return name != null && (PLAIN_NAME.matcher(name).matches() || APP_TAG.matcher(name).matches());
    }

    /** The app id of an {@code app:<appId>:<name>} tag, or null for other tags. */
    public static String appOf(String name) {
        var m = APP_TAG.matcher(name);
        return m.matches() ? m.group(1) : null;
    }

    public static boolean validAppId(String appId) {
        return appId != null && APP_ID.matcher(appId).matches();
    }

    /** Checks a tag name, naming {@code field} when it is bad. */
    public void requireName(String field, String name) {
        if (!validName(name)) {
            throw ProblemException.badRequest(field,
                    "must be 1-64 characters of A-Z a-z 0-9 _ . - or app:<appId>:<name>");
        }
    }

    /** Checks the values for a tag and returns them without duplicates, in the given order. */
    public List<String> requireValues(String field, String name, List<String> values) {
        if (values == null) {
            throw ProblemException.badRequest(field, "must be a list of strings");
        }
        if (values.size() > config.tags().maxValues()) {
            throw ProblemException.badRequest(field, "has more than " + config.tags().maxValues() + " values");
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        LinkedHashSet<String> distinct = new LinkedHashSet<>();
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i);
            String where = field + "[" + i + "]";
            String problem = problemWith(name, value);
            if (problem != null) {
                errors.add(new Problem.FieldError(where, problem));
            } else {
                distinct.add(value);
            }
        }
        if (EXPIRES.equals(name) && distinct.size() > 1) {
            errors.add(new Problem.FieldError(field, "expires holds one Unix time"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return List.copyOf(distinct);
    }

    private String problemWith(String name, String value) {
        if (value == null || value.isEmpty()) {
            return "must not be empty";
        }
        if (value.length() > config.tags().maxValueLength()) {
            return "is longer than " + config.tags().maxValueLength() + " characters";
        }
        switch (name) {
            case EXPIRES -> {
                try {
                    if (Long.parseLong(value) < 0) {
                        return "must be a Unix time in seconds";
                    }
                } catch (NumberFormatException e) {
                    return "must be a Unix time in seconds";
                }
            }
            case USERS -> {
                try {
                    UUID.fromString(value);
                } catch (IllegalArgumentException e) {
                    return "must be a user id (UUID)";
                }
            }
            case APPS -> {
                if (!validAppId(value)) {
                    return "must be an app id (1-64 characters of A-Z a-z 0-9 _ . -)";
                }
            }
            default -> {
            }
        }
        return null;
    }

    /**
     * Splits a search term {@code name:value}. Application tags have colons in their name
     * ({@code app:<appId>:<name>:<value>}); other names end at the first colon, so values may
     * hold colons.
     */
    public static String[] splitTerm(String term) {
        int at;
        if (term.startsWith(APP_PREFIX)) {
            int second = term.indexOf(':', APP_PREFIX.length());
            at = second < 0 ? -1 : term.indexOf(':', second + 1);
        } else {
            at = term.indexOf(':');
        }
        if (at <= 0 || at == term.length() - 1) {
            return null;
        }
        return new String[] { term.substring(0, at), term.substring(at + 1) };
    }
}
