package io.everycloud.portal.branding;

import java.util.Arrays;
import java.util.Optional;

/** The files under {@code /vendor} that brand the portal and the emails (seed: "Branding the Registration Portal"). */
public enum BrandingFile {

    /** Texts, links and colours. */
    BRANDING_JSON("branding.json", "application/json"),
    /** The brand's logo, in the portal header and the emails. */
    LOGO("brandlogo.png", "image/png"),
    /** The device model's picture, on the landing page. */
    DEVICE_PICTURE("device.png", "image/png"),
    /** The brand's icon, in browser tabs. The seed asks for "icon in png format": ICO and PNG content are both taken. */
    FAVICON("favicon.ico", "image/x-icon");

    private final String fileName;
    private final String defaultContentType;

    BrandingFile(String fileName, String defaultContentType) {
        this.fileName = fileName;
        this.defaultContentType = defaultContentType;
    }

    public String fileName() {
        return fileName;
    }

    public String defaultContentType() {
        return defaultContentType;
    }

    public boolean isImage() {
        return this != BRANDING_JSON;
    }

    public static Optional<BrandingFile> byName(String name) {
        return Arrays.stream(values()).filter(f -> f.fileName.equals(name)).findFirst();
    }
}
