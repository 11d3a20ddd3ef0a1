package io.everycloud.claim.code;

/**
 * Whether a claim code is weak: the device identity (the seed's default, allowed but guessable
 * from a label or a serial-number range), or an estimated entropy below 64 bits. The estimate is
 * length × log2(size of the character classes used), an upper bound for human-made codes.
 */
public final class ClaimCodeStrength {

    public static final int STRONG_BITS = 64;

    public static boolean isWeak(String code, String identity) {
        String normalized = ClaimCode.normalize(code);
        if (normalized == null || normalized.isEmpty() || normalized.equals(identity)) {
            return true;
        }
        return estimatedBits(normalized) < STRONG_BITS;
    }

    public static double estimatedBits(String code) {
        boolean digits = false;
        boolean lower = false;
        boolean upper = false;
        boolean other = false;
        int length = 0;
        for (int i = 0; i < code.length(); ) {
            int c = code.codePointAt(i);
            i += Character.charCount(c);
            if (c == '-' || c == ' ') {
                continue; // group separators carry no entropy
            }
            length++;
            if (c >= '0' && c <= '9') {
                digits = true;
            } else if (c >= 'a' && c <= 'z') {
                lower = true;
            } else if (c >= 'A' && c <= 'Z') {
                upper = true;
            } else {
                other = true;
            }
        }
        int classes = (digits ? 10 : 0) + (lower ? 26 : 0) + (upper ? 26 : 0) + (other ? 33 : 0);
        return classes == 0 ? 0 : length * (Math.log(classes) / Math.log(2));
    }

    private ClaimCodeStrength() {
    }
}
