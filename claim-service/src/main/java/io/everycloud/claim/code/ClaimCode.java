package io.everycloud.claim.code;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.regex.Pattern;

/**
 * How claim codes are compared: trimmed and in Unicode NFC (a typed "é" matches a printed one
 * whatever its encoding), looked up by SHA-256 and then compared byte for byte in constant time.
 */
public final class ClaimCode {

    /** Longest claim code accepted anywhere (typed, set by a device, or in a tag). */
    public static final int MAX_LENGTH = 256;

    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    /** The form codes are stored and compared in. */
    public static String normalize(String code) {
        return code == null ? null : Normalizer.normalize(code.strip(), Normalizer.Form.NFC);
    }

    /** Why a code is unusable, or null when it is fine. */
    public static String problem(String code) {
        String normalized = normalize(code);
        if (normalized == null || normalized.isEmpty()) {
            return "must not be empty";
        }
        if (normalized.length() > MAX_LENGTH) {
            return "must be at most " + MAX_LENGTH + " characters";
        }
        if (CONTROL.matcher(normalized).find()) {
            return "must not contain control characters";
        }
        return null;
    }

    public static byte[] hash(String normalizedCode) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(normalizedCode.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    /** Constant-time equality of two normalized codes. */
    public static boolean matches(String normalizedCandidate, String normalizedStored) {
        return MessageDigest.isEqual(normalizedCandidate.getBytes(StandardCharsets.UTF_8),
                normalizedStored.getBytes(StandardCharsets.UTF_8));
    }

    private ClaimCode() {
    }
}
