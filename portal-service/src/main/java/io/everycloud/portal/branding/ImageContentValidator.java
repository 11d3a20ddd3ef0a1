package io.everycloud.portal.branding;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import javax.imageio.ImageIO;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.everycloud.kit.problem.ProblemException;
import io.everycloud.portal.PortalConfig;

/**
 * Checks uploaded images by their content, never by the name or the Content-Type header: the
 * signature, the declared dimensions (read before decoding, so a small file cannot declare a
 * huge bitmap) and a full decode. Answers the content type to serve.
 */
@ApplicationScoped
public class ImageContentValidator {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final byte[] ICO_SIGNATURE = {0, 0, 1, 0};

    @Inject
    PortalConfig config;

    /** Validates the upload for the file; returns the content type it will be served with. */
    public String validate(BrandingFile file, byte[] content) {
        String field = file.fileName();
        if (content.length == 0) {
            throw ProblemException.badRequest(field, "is empty; upload the image itself as the request body");
        }
        if (startsWith(content, PNG_SIGNATURE)) {
            checkPng(field, content);
            return "image/png";
        }
        if (file == BrandingFile.FAVICON && startsWith(content, ICO_SIGNATURE)) {
            checkIco(field, content);
            return "image/x-icon";
        }
        throw ProblemException.badRequest(field, file == BrandingFile.FAVICON
                ? "is neither an ICO nor a PNG image (checked by content)"
                : "is not a PNG image (checked by content)");
    }

    private void checkPng(String field, byte[] content) {
        if (content.length < 33 || !new String(content, 12, 4, java.nio.charset.StandardCharsets.US_ASCII).equals("IHDR")) {
            throw ProblemException.badRequest(field, "is a damaged PNG image (no IHDR header)");
        }
        ByteBuffer header = ByteBuffer.wrap(content, 16, 8).order(ByteOrder.BIG_ENDIAN);
        long width = Integer.toUnsignedLong(header.getInt());
        long height = Integer.toUnsignedLong(header.getInt());
        checkDimensions(field, width, height);
        decode(field, content, "PNG");
    }

    private void checkIco(String field, byte[] content) {
        if (content.length < 6 + 16) {
            throw ProblemException.badRequest(field, "is a damaged ICO image (too short for its directory)");
        }
        ByteBuffer ico = ByteBuffer.wrap(content).order(ByteOrder.LITTLE_ENDIAN);
        int count = Short.toUnsignedInt(ico.getShort(4));
        if (count == 0 || count > 64 || 6 + 16L * count > content.length) {
            throw ProblemException.badRequest(field, "is a damaged ICO image (" + count + " images declared)");
        }
        for (int i = 0; i < count; i++) {
            int entry = 6 + 16 * i;
            int width = Byte.toUnsignedInt(content[entry]) == 0 ? 256 : Byte.toUnsignedInt(content[entry]);
            int height = Byte.toUnsignedInt(content[entry + 1]) == 0 ? 256 : Byte.toUnsignedInt(content[entry + 1]);
            long size = Integer.toUnsignedLong(ico.getInt(entry + 8));
            long offset = Integer.toUnsignedLong(ico.getInt(entry + 12));
            if (size == 0 || offset + size > content.length || offset < 6 + 16L * count) {
                throw ProblemException.badRequest(field, "is a damaged ICO image (image " + (i + 1) + " lies outside the file)");
            }
            byte[] image = Arrays.copyOfRange(content, (int) offset, (int) (offset + size));
            if (startsWith(image, PNG_SIGNATURE)) {
                checkPng(field, image);
            } else {
                // A BMP entry starts with a BITMAPINFOHEADER (40 bytes) whose height counts the mask too.
                ByteBuffer dib = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
                if (image.length < 40 || dib.getInt(0) != 40 || dib.getInt(4) != width || dib.getInt(8) != 2 * height) {
                    throw ProblemException.badRequest(field, "is a damaged ICO image (image " + (i + 1) + " is neither PNG nor BMP)");
                }
            }
        }
    }

    private void checkDimensions(String field, long width, long height) {
        int max = config.branding().maxImageDimension();
        if (width == 0 || height == 0) {
            throw ProblemException.badRequest(field, "declares an empty image (" + width + "×" + height + ")");
        }
        if (width > max || height > max) {
            throw ProblemException.badRequest(field, "is " + width + "×" + height + " pixels; the limit is " + max + "×" + max);
        }
    }

    private static void decode(String field, byte[] content, String format) {
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(content));
        } catch (IOException | RuntimeException e) {
            image = null;
        }
        if (image == null) {
            throw ProblemException.badRequest(field, "is not a decodable " + format + " image");
        }
    }

    private static boolean startsWith(byte[] content, byte[] prefix) {
        return content.length >= prefix.length && Arrays.equals(content, 0, prefix.length, prefix, 0, prefix.length);
    }
}
