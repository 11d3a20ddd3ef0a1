package io.everycloud.notification.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of a delivery: {@code X-EveryCloud-Signature: sha256=<hex>} where hex is the
 * HMAC-SHA256, keyed with the app's secret, of {@code <X-EveryCloud-Timestamp>.<body>}. The
 * timestamp (Unix seconds) lets receivers refuse replays of old deliveries.
 */
public final class WebhookSignature {

    public static final String SIGNATURE_HEADER = "X-EveryCloud-Signature";
    public static final String TIMESTAMP_HEADER = "X-EveryCloud-Timestamp";
    public static final String DELIVERY_HEADER = "X-EveryCloud-Delivery";
    public static final String EVENT_HEADER = "X-EveryCloud-Event";

    public static String sign(String secret, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            return "sha256=" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private WebhookSignature() {
    }
}
