package io.everycloud.portal.branding;

/** The content served for one branding file now: the OEM's upload or the shipped default. */
public record BrandingAsset(BrandingFile file, byte[] content, String contentType, String etag, boolean custom) {

    /** The ETag header value (a strong validator: the content's hash). */
    public String quotedEtag() {
        return "\"" + etag + "\"";
    }
}
