package io.everycloud.claim.code;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ClaimCodeStrengthTest {

    private final ClaimCodeGenerator generator = new ClaimCodeGenerator();

    @Test
    void generatedCodesAreReadableAndCarryAtLeast64Bits() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            String code = generator.next();
            assertThat(code).matches("[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}").doesNotContain("0", "O", "1", "I");
            assertThat(ClaimCodeStrength.isWeak(code, "device-1")).isFalse();
            seen.add(code);
        }
        assertThat(seen).hasSize(2000);
        assertThat(ClaimCodeGenerator.ENTROPY_BITS).isGreaterThanOrEqualTo(64);
        assertThat(ClaimCodeGenerator.ALPHABET).hasSize(32);
    }

    @Test
    void theIdentityAndShortCodesAreWeak() {
        assertThat(ClaimCodeStrength.isWeak("SN-000123", "SN-000123")).isTrue();
        assertThat(ClaimCodeStrength.isWeak("12345678", "d")).isTrue();
        assertThat(ClaimCodeStrength.isWeak("", "d")).isTrue();
        assertThat(ClaimCodeStrength.isWeak("correct-horse-battery-staple-42", "d")).isFalse();
    }

    @Test
    void codesAreComparedAfterTrimmingAndUnicodeNormalization() {
        String composed = ClaimCode.normalize(" caf\u00e9 ");
        String decomposed = ClaimCode.normalize("cafe\u0301");
        assertThat(ClaimCode.matches(composed, decomposed)).isTrue();
        assertThat(ClaimCode.hash(composed)).isEqualTo(ClaimCode.hash(decomposed));
        assertThat(ClaimCode.matches("abc", "abd")).isFalse();
        assertThat(ClaimCode.problem("a\u0007b")).isNotNull();
    }
}
