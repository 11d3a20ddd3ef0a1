package io.everycloud.portal.session;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.everycloud.portal.PortalConfig;

/**
 * Encrypts the user's tokens kept with a session (AES-GCM, a fresh 96-bit nonce per value), so
 * a copy of the database or a backup does not hand out access to anybody's devices. A value is
 * stored as {@code v1.<key id>.<base64url(nonce | ciphertext | tag)>}; the key id lets keys
 * rotate: the current key encrypts, earlier keys ({@code portal.session.previous-token-keys})
 * still decrypt until the sessions they encrypted are gone. The session's id hash is the
 * associated data: a value copied into another session's row does not decrypt.
 *
 * <p>Without a configured key, the key is derived from the database password (HMAC-SHA256), which
 * every replica of the portal has and a dump or backup of the data does not: replicas share
 * sessions and restarts keep them. A dedicated key from a Secret ({@code PORTAL_SESSION_TOKEN_KEY})
 * is better (changing the database password then does not sign everybody out). Without either,
 * a key is generated for the process.
 */
@ApplicationScoped
public class TokenCipher {

    private static final Logger LOG = Logger.getLogger(TokenCipher.class);
    private static final String VERSION = "v1";
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecureRandom random = new SecureRandom();
    private final Map<String, SecretKey> keys = new LinkedHashMap<>();
    private String currentKeyId;

    @Inject
    PortalConfig config;

    @PostConstruct
    void init() {
        PortalConfig.Session session = config.session();
        Optional<String> key = session.tokenKey().filter(k -> !k.isBlank());
        String keyId = session.tokenKeyId();
        if (key.isEmpty()) {
            Optional<String> password = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                    .getOptionalValue("quarkus.datasource.password", String.class).filter(p -> !p.isEmpty());
            if (password.isPresent()) {
                key = Optional.of(derivedKey(password.get()));
                keyId = DERIVED_KEY_ID;
                LOG.info("portal.session.token-key is not set: session tokens are encrypted with a key derived from the"
                        + " database password; set PORTAL_SESSION_TOKEN_KEY from a Secret for a key of their own");
            }
        }
        configure(key, keyId, session.previousTokenKeys().orElse(List.of()));
    }

    /** Key id of the key derived from the database password. */
    static final String DERIVED_KEY_ID = "db";

    /** A 256-bit AES key (base64) derived from a shared secret: HMAC-SHA256 under the secret of a fixed label. */
    static String derivedKey(String secret) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal("everycloud portal session token key v1".getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /**
     * Takes the keys: the current one (base64 of 16, 24 or 32 bytes; generated when absent) with
     * its id, and earlier ones as {@code <id>:<base64>}. A malformed key stops the start with a
     * message naming the setting.
     */
    void configure(Optional<String> key, String keyId, List<String> previous) {
        keys.clear();
        if (key.isPresent() && !key.get().isBlank()) {
            currentKeyId = checkedId(keyId, "portal.session.token-key-id");
            keys.put(currentKeyId, decodeKey(key.get(), "portal.session.token-key"));
        } else {
            byte[] generated = new byte[32];
            random.nextBytes(generated);
            currentKeyId = "gen" + Integer.toHexString(random.nextInt(0x1000000));
            keys.put(currentKeyId, new SecretKeySpec(generated, "AES"));
            LOG.warn("portal.session.token-key is not set and there is no database password: a key was generated for this"
                    + " process. Sessions end when the portal restarts and replicas cannot share them; set"
                    + " PORTAL_SESSION_TOKEN_KEY (base64 of 32 random bytes) from a Secret.");
        }
        for (String entry : previous) {
            if (entry.isBlank()) {
                continue;
            }
            int colon = entry.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("portal.session.previous-token-keys: each entry is <key id>:<base64 key>");
            }
            String id = checkedId(entry.substring(0, colon).trim(), "portal.session.previous-token-keys");
            if (!keys.containsKey(id)) {
                keys.put(id, decodeKey(entry.substring(colon + 1).trim(), "portal.session.previous-token-keys (" + id + ")"));
            }
        }
    }

    /** The id of the key new values are encrypted with. */
    public String currentKeyId() {
        return currentKeyId;
    }

    /** The value encrypted with the current key, bound to {@code context} (the session's id hash); null stays null. */
    public String encrypt(String plaintext, String context) {
        if (plaintext == null) {
            return null;
        }
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(currentKeyId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad(currentKeyId, context));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
            return VERSION + "." + currentKeyId + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /**
     * The plaintext of a stored value; empty when it cannot be read: not encrypted by this
     * service, encrypted with a key it no longer has, changed, or copied from another session.
     */
    public Optional<String> decrypt(String stored, String context) {
        if (stored == null) {
            return Optional.empty();
        }
        String[] parts = stored.split("\\.", 3);
        if (parts.length != 3 || !VERSION.equals(parts[0]) || !keys.containsKey(parts[1])) {
            return Optional.empty();
        }
        try {
            byte[] in = Base64.getUrlDecoder().decode(parts[2]);
            if (in.length < NONCE_BYTES + TAG_BITS / 8) {
                return Optional.empty();
            }
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, keys.get(parts[1]), new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            cipher.updateAAD(aad(parts[1], context));
            return Optional.of(new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | javax.crypto.AEADBadTagException e) {
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** True when the value was encrypted with another key than the current one (it is re-encrypted on its next write). */
    public boolean needsReencryption(String stored) {
        return stored != null && !stored.startsWith(VERSION + "." + currentKeyId + ".");
    }

    private static byte[] aad(String keyId, String context) {
        return (VERSION + "." + keyId + "." + (context == null ? "" : context)).getBytes(StandardCharsets.UTF_8);
    }

    private static String checkedId(String id, String setting) {
        if (id == null || !KEY_ID.matcher(id).matches()) {
            throw new IllegalArgumentException(setting + ": a key id is 1 to 32 characters of A-Z a-z 0-9 _ -");
        }
        return id;
    }

    private static SecretKey decodeKey(String base64, String setting) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(setting + ": not base64");
        }
        if (bytes.length != 16 && bytes.length != 24 && bytes.length != 32) {
            throw new IllegalArgumentException(setting + ": an AES key is 16, 24 or 32 bytes (base64), not " + bytes.length);
        }
        return new SecretKeySpec(bytes, "AES");
    }
}
