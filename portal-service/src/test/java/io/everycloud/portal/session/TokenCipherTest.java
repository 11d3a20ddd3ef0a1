package io.everycloud.portal.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The session token cipher on its own: encryption, binding to the session, tampering and key rotation. */
class TokenCipherTest {

    static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";

    static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    static TokenCipher cipher(String key, String id, String... previous) {
        TokenCipher cipher = new TokenCipher();
        cipher.configure(Optional.ofNullable(key), id, List.of(previous));
        return cipher;
    }

    @Test
    void aTokenIsStoredEncryptedAndReadBack() {
        TokenCipher cipher = cipher(newKey(), "k1");
        String stored = cipher.encrypt(TOKEN, "session-a");
        assertThat(stored).startsWith("v1.k1.").doesNotContain(TOKEN).doesNotContain("eyJ");
        assertThat(cipher.encrypt(TOKEN, "session-a")).as("a fresh nonce each time").isNotEqualTo(stored);
        assertThat(cipher.decrypt(stored, "session-a")).contains(TOKEN);
        assertThat(cipher.encrypt(null, "session-a")).isNull();
    }

    @Test
    void aValueCopiedToAnotherSessionOrChangedDoesNotDecrypt() {
        TokenCipher cipher = cipher(newKey(), "k1");
        String stored = cipher.encrypt(TOKEN, "session-a");
        assertThat(cipher.decrypt(stored, "session-b")).isEmpty();
        // a character inside the data (the last one may carry only padding bits, which decoding drops)
        int at = stored.length() - 5;
        char changed = stored.charAt(at) == 'A' ? 'B' : 'A';
        assertThat(cipher.decrypt(stored.substring(0, at) + changed + stored.substring(at + 1), "session-a")).isEmpty();
        assertThat(cipher.decrypt(TOKEN, "session-a")).as("a plain token (from before encryption)").isEmpty();
        assertThat(cipher.decrypt("v1.k1.!!!", "session-a")).isEmpty();
        assertThat(cipher.decrypt("v1.k1.AAAA", "session-a")).isEmpty();
    }

    @Test
    void aRotatedKeyStillReadsWhatTheOldOneEncryptedAndNewValuesUseTheNewKey() {
        String oldKey = newKey();
        String stored = cipher(oldKey, "k1").encrypt(TOKEN, "session-a");

        TokenCipher rotated = cipher(newKey(), "k2", "k1:" + oldKey);
        assertThat(rotated.decrypt(stored, "session-a")).contains(TOKEN);
        assertThat(rotated.needsReencryption(stored)).isTrue();
        String again = rotated.encrypt(TOKEN, "session-a");
        assertThat(again).startsWith("v1.k2.");
        assertThat(rotated.needsReencryption(again)).isFalse();

        // once the old key is dropped, what it encrypted is unreadable (the session signs out)
        assertThat(cipher(newKey(), "k3").decrypt(stored, "session-a")).isEmpty();
    }

    @Test
    void withoutAConfiguredKeyOneIsGeneratedPerProcess() {
        TokenCipher first = cipher(null, "k1");
        String stored = first.encrypt(TOKEN, "s");
        assertThat(first.decrypt(stored, "s")).contains(TOKEN);
        assertThat(first.currentKeyId()).startsWith("gen");
        assertThat(cipher(null, "k1").decrypt(stored, "s")).as("another process (a restart) cannot read it").isEmpty();
    }

    @Test
    void replicasWithTheSameDatabasePasswordShareTheDerivedKeyAndOthersCannotRead() {
        String stored = cipher(TokenCipher.derivedKey("db-password-1"), TokenCipher.DERIVED_KEY_ID).encrypt(TOKEN, "s");
        assertThat(stored).startsWith("v1.db.");
        assertThat(cipher(TokenCipher.derivedKey("db-password-1"), TokenCipher.DERIVED_KEY_ID).decrypt(stored, "s"))
                .as("another replica, or the portal after a restart").contains(TOKEN);
        assertThat(cipher(TokenCipher.derivedKey("db-password-2"), TokenCipher.DERIVED_KEY_ID).decrypt(stored, "s")).isEmpty();
        assertThat(TokenCipher.derivedKey("db-password-1")).isNotEqualTo(Base64.getEncoder().encodeToString(
                "db-password-1".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void malformedKeysStopTheStartNamingTheSetting() {
        assertThatThrownBy(() -> cipher("not base64 !", "k1")).hasMessageContaining("portal.session.token-key");
        assertThatThrownBy(() -> cipher(Base64.getEncoder().encodeToString(new byte[10]), "k1"))
                .hasMessageContaining("16, 24 or 32 bytes");
        assertThatThrownBy(() -> cipher(newKey(), "has.dot")).hasMessageContaining("portal.session.token-key-id");
        assertThatThrownBy(() -> cipher(newKey(), "k2", "no-colon")).hasMessageContaining("previous-token-keys");
    }
}
