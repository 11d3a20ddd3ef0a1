package io.everycloud.claim.qr;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.everycloud.kit.config.EveryCloudConfig;

/** The seed's claiming URL formats ("Claim QR Code"). */
@ApplicationScoped
public class ClaimUrls {

    /** The two per-device formats. */
    public enum Format {
        /** {@code <public url>/#/?claim=<URL-encoded code>&product=<product id>}: opens the portal. */
        STANDARD,
        /** {@code <product id>.<code>}: for ExoSense only. */
        EXOSENSE;

        public static Format parse(String value) {
            if (value == null || value.isBlank() || value.equals("standard")) {
                return STANDARD;
            }
            if (value.equals("exosense")) {
                return EXOSENSE;
            }
            throw io.everycloud.kit.problem.ProblemException.badRequest("format", "must be standard or exosense");
        }
    }

    @Inject
    EveryCloudConfig config;

    public String forCode(String code, Format format) {
        return switch (format) {
            case STANDARD -> generic() + encode(code) + "&product=" + encode(config.productId());
            case EXOSENSE -> config.productId() + "." + code;
        };
    }

    /** One URL for every device; the user types the code on the page it opens. */
    public String generic() {
        String base = config.publicUrl();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base + "/#/?claim=";
    }

    /** Percent-encoding for a query value; a space is %20 (not +, which a fragment router reads literally). */
    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
