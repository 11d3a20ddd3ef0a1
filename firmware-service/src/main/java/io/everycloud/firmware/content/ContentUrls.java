package io.everycloud.firmware.content;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.everycloud.firmware.FirmwareConfig;
import io.everycloud.firmware.settings.SettingsService;
import io.everycloud.kit.config.EveryCloudConfig;

/**
 * Signed, expiring download URLs ({@code /firmware/content/<id>?expires=&sig=}): a device that
 * reads them in {@code config_otau} downloads without any other credential.
 */
@ApplicationScoped
public class ContentUrls {

    /** What checking a signed URL found. */
    public enum Verdict {
        VALID, EXPIRED, BAD_SIGNATURE
    }

    @Inject
    EveryCloudConfig everycloud;

    @Inject
    FirmwareConfig config;

    @Inject
    SettingsService settings;

    public String signedUrl(UUID contentId) {
        return signedUrl(contentId, Instant.now().plus(config.downloadUrlTtl()));
    }

    /** A URL valid until the given time. */
    public String signedUrl(UUID contentId, Instant until) {
        long expires = until.getEpochSecond();
        String base = everycloud.publicUrl().replaceAll("/+$", "");
        return base + "/firmware/content/" + contentId + "?expires=" + expires + "&sig=" + signature(contentId, expires);
    }

    public Verdict check(UUID contentId, String expires, String sig) {
        long at;
        try {
            at = Long.parseLong(expires);
        } catch (NumberFormatException | NullPointerException e) {
            return Verdict.BAD_SIGNATURE;
        }
        if (sig == null || !MessageDigest.isEqual(signature(contentId, at).getBytes(StandardCharsets.US_ASCII),
                sig.getBytes(StandardCharsets.US_ASCII))) {
            return Verdict.BAD_SIGNATURE;
        }
        return Instant.now().getEpochSecond() > at ? Verdict.EXPIRED : Verdict.VALID;
    }

    private String signature(UUID contentId, long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(settings.signingKey(), "HmacSHA256"));
            byte[] sig = mac.doFinal((contentId + ":" + expires).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
