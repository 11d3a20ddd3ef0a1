package io.everycloud.user.password;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;

import io.everycloud.user.config.UserConfig;

/**
 * Argon2id for passwords; SHA-256 for the random tokens and secrets we hand out (they carry 256
 * bits of entropy, so a slow hash adds nothing and a fast one keeps lookups by hash possible).
 */
@ApplicationScoped
public class PasswordHasher {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Argon2Function argon2;
    /** Checked against when the account does not exist, so both cases take as long. */
    private final String decoy;

    @Inject
    public PasswordHasher(UserConfig config) {
        UserConfig.Passwords p = config.passwords();
        argon2 = Argon2Function.getInstance(p.memoryKib(), p.iterations(), p.parallelism(), 32, Argon2.ID);
        decoy = hash(randomToken());
    }

    public String hash(String password) {
        return Password.hash(password).addRandomSalt(16).with(argon2).getResult();
    }

    /** Whether the password matches the stored hash (whose own parameters are used). */
    public boolean matches(String password, String storedHash) {
        if (storedHash == null) {
            Password.check(password, decoy).with(argon2);
            return false;
        }
        try {
            return Password.check(password, storedHash).with(Argon2Function.getInstanceFromHash(storedHash));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Spends the time of a password check without any account (no timing hint that it is missing). */
    public void burn(String password) {
        Password.check(password == null ? "" : password, decoy).with(argon2);
    }

    /** 256 random bits, URL-safe. */
    public static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Lowercase hex SHA-256 of the UTF-8 bytes. */
    public static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Compares two strings in time independent of where they differ. */
    public static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
