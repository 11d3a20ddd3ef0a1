package io.everycloud.user.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;

import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.junit.jupiter.api.Test;

/** A signing key given by configuration (a Kubernetes Secret) as PKCS#8 PEM. */
class ConfiguredSigningKeyTest {

    @Test
    void aPkcs8PemKeySignsTokensItsPublicHalfVerifies() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";

        RsaJsonWebKey key = SigningKeys.fromPem(pem);
        assertThat(key.getKeyId()).isEqualTo(key.calculateBase64urlEncodedThumbprint("SHA-256"));
        assertThat(key.getRsaPublicKey().getModulus()).isEqualTo(((java.security.interfaces.RSAPublicKey) pair.getPublic()).getModulus());

        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload("{\"sub\":\"x\"}");
        jws.setKey(key.getPrivateKey());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        String token = jws.getCompactSerialization();

        JsonWebSignature check = new JsonWebSignature();
        check.setCompactSerialization(token);
        check.setKey(pair.getPublic());
        assertThat(check.verifySignature()).isTrue();
    }

    @Test
    void aKeyThatIsNotPkcs8IsRefusedWithAHint() {
        assertThatThrownBy(() -> SigningKeys.fromPem("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----"))
                .hasMessageContaining("PKCS#8");
        assertThatThrownBy(() -> SigningKeys.fromPem("not a key")).hasMessageContaining("PKCS#8");
    }
}
