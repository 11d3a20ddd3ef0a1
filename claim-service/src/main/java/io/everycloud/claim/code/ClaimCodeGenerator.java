package io.everycloud.claim.code;

import java.security.SecureRandom;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Strong claim codes: 16 characters from a 32-character alphabet without the look-alikes 0/O and
 * 1/I, so 80 bits of entropy (at least 64 are required), printed as four groups of four
 * ({@code 7KQ2-M9XD-H4TB-ZC8N}) so a person can read and type them.
 */
@ApplicationScoped
public class ClaimCodeGenerator {

    public static final String ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    public static final int LENGTH = 16;
    public static final int ENTROPY_BITS = LENGTH * 5;

    private final SecureRandom random = new SecureRandom();

    public String next() {
        StringBuilder code = new StringBuilder(LENGTH + LENGTH / 4);
        for (int i = 0; i < LENGTH; i++) {
            if (i > 0 && i % 4 == 0) {
                code.append('-');
            }
            code.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return code.toString();
    }
}
