package io.everycloud.user.password;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.everycloud.kit.problem.ProblemException;

/**
 * The password rules, stated once: at least {@value #MIN_LENGTH} characters (at most
 * {@value #MAX_LENGTH}, which bounds the hashing work), not the account's e-mail address and not
 * one of the commonly used passwords in {@code common-passwords.txt}.
 */
@ApplicationScoped
public class PasswordPolicy {

    public static final int MIN_LENGTH = 10;
    public static final int MAX_LENGTH = 256;

    private final Set<String> common = load();

    /** Why the password is refused, or empty when it is acceptable. */
    public Optional<String> problem(String password, String email) {
        if (password == null || password.isEmpty()) {
            return Optional.of("is required");
        }
        int length = password.codePointCount(0, password.length());
        if (length < MIN_LENGTH) {
            return Optional.of("must have at least " + MIN_LENGTH + " characters");
        }
        if (length > MAX_LENGTH) {
            return Optional.of("must have at most " + MAX_LENGTH + " characters");
        }
        String lower = password.toLowerCase(Locale.ROOT);
        if (email != null && lower.equals(email.toLowerCase(Locale.ROOT))) {
            return Optional.of("must not be the e-mail address");
        }
        if (common.contains(lower)) {
            return Optional.of("is too common; choose another");
        }
        return Optional.empty();
    }

    /** Throws a 400 naming {@code field} when the password breaks a rule. */
    public void check(String field, String password, String email) {
        problem(password, email).ifPresent(message -> {
            throw ProblemException.badRequest(field, message);
        });
    }

    private static Set<String> load() {
        Set<String> words = new HashSet<>();
        try (InputStream in = PasswordPolicy.class.getResourceAsStream("/common-passwords.txt")) {
            if (in == null) {
                throw new IllegalStateException("common-passwords.txt is missing");
            }
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                reader.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                        .map(l -> l.toLowerCase(Locale.ROOT)).forEach(words::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Set.copyOf(words);
    }
}
