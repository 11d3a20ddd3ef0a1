package io.everycloud.portal.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import io.quarkus.qute.TemplateExtension;

/** Small helpers the templates call. */
@TemplateExtension
public class TemplateExtensions {

    /** {@code {value.urlEncode}}: a query parameter value. */
    static String urlEncode(String value) {
        return value == null ? "" : URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** {@code {identity.pathEncode}}: a path segment. */
    static String pathEncode(String value) {
        return urlEncode(value).replace("+", "%20");
    }
}
