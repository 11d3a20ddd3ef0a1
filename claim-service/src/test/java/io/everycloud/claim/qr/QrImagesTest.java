package io.everycloud.claim.qr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.everycloud.testkit.QrScanner;

/**
 * The PNGs and SVGs are read back from their pixels. The texts are codes that zxing's detector
 * misses in the 296-pixel image itself (a finder pattern it does not find; about 0.7 % of all
 * codes at one exact scale): a phone reads them from the next frame, and so does the scanner.
 */
class QrImagesTest {

    @ParameterizedTest
    @ValueSource(strings = { "1orb", "gise", "9rlb", "f02k" })
    void codesZxingMissesAtOneScaleAreReadAsAPhoneWouldReadThem(String run) {
        String text = "dev-product.QR code & more+/\u00fc-" + run;
        var modules = QrImages.modules(text);
        assertThat(QrScanner.png(QrImages.png(modules, 300))).isEqualTo(text);
        assertThat(QrScanner.svg(QrImages.svg(modules, 300).getBytes(java.nio.charset.StandardCharsets.UTF_8))).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 8 })
    void anImageWithoutACodeIsRefused(int scale) {
        var modules = new com.google.zxing.common.BitMatrix(37, 37);
        modules.setRegion(4, 4, 29, 29);
        assertThatThrownBy(() -> QrScanner.png(QrImages.png(modules, 37 * scale))).isInstanceOf(AssertionError.class)
                .hasMessageContaining("no QR code found");
    }
}
