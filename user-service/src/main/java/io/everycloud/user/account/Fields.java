package io.everycloud.user.account;

import java.util.ArrayList;
import java.util.List;

import io.everycloud.kit.problem.Problem;
import io.everycloud.kit.problem.ProblemException;

/** Collects the bad fields of one request, so one answer names all of them. */
public final class Fields {

    public static final int MAX_NAME_LENGTH = 200;

    private final List<Problem.FieldError> errors = new ArrayList<>();

    public Fields add(String field, String message) {
        errors.add(new Problem.FieldError(field, message));
        return this;
    }

    /** Checks a required e-mail address; returns it normalized. */
    public String email(String field, String value) {
        if (value == null || value.isBlank()) {
            add(field, "is required");
        } else if (!Emails.isValid(value)) {
            add(field, "must be an e-mail address of at most " + Emails.MAX_LENGTH + " characters");
        }
        return Emails.normalize(value);
    }

    /** Checks an optional display name; returns it trimmed, or null when blank. */
    public String name(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String trimmed = value.trim();
        if (trimmed.length() > MAX_NAME_LENGTH) {
            add(field, "must have at most " + MAX_NAME_LENGTH + " characters");
        } else if (trimmed.chars().anyMatch(Character::isISOControl)) {
            add(field, "must not contain control characters");
        }
        return trimmed;
    }

    public String required(String field, String value) {
        if (value == null || value.isBlank()) {
            add(field, "is required");
        }
        return value;
    }

    public boolean ok() {
        return errors.isEmpty();
    }

    /** Throws a 400 naming every bad field, if any. */
    public void throwIfAny() {
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
    }
}
