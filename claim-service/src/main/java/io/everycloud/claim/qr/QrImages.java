package io.everycloud.claim.qr;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import com.google.zxing.qrcode.encoder.ByteMatrix;
import com.google.zxing.qrcode.encoder.Encoder;
import com.google.zxing.qrcode.encoder.QRCode;

/**
 * QR code images. zxing computes the modules (error correction M, UTF-8 with an ECI marker only
 * when the text is not ASCII, so older readers get plain codes); the PNG (1-bit grayscale) and
 * SVG (one path) are written here from the modules, which is several times faster than drawing a
 * BufferedImage and encoding it with ImageIO — it matters for batches of 10,000.
 */
public final class QrImages {

    /** Quiet zone around the code, in modules (the standard asks for 4). */
    public static final int MARGIN = 4;
    private static final byte[] PNG_SIGNATURE = { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };

    /** The modules of the QR code for a text, quiet zone included: true = dark. */
    public static BitMatrix modules(String text) {
        Map<EncodeHintType, Object> hints = new EnumMap<>(EncodeHintType.class);
        if (!StandardCharsets.US_ASCII.newEncoder().canEncode(text)) {
            hints.put(EncodeHintType.CHARACTER_SET, StandardCharsets.UTF_8.name());
        }
        try {
            QRCode code = Encoder.encode(text, ErrorCorrectionLevel.M, hints);
            ByteMatrix input = code.getMatrix();
            int size = input.getWidth() + 2 * MARGIN;
            BitMatrix modules = new BitMatrix(size, size);
            for (int y = 0; y < input.getHeight(); y++) {
                for (int x = 0; x < input.getWidth(); x++) {
                    if (input.get(x, y) == 1) {
                        modules.set(x + MARGIN, y + MARGIN);
                    }
                }
            }
            return modules;
        } catch (WriterException e) {
            throw new IllegalArgumentException("text too long for a QR code", e);
        }
    }

    /** A PNG about {@code size} pixels wide: each module a whole number of pixels, never below one. */
    public static byte[] png(BitMatrix modules, int size) {
        int scale = Math.max(1, size / modules.getWidth());
        int pixels = modules.getWidth() * scale;
        int rowBytes = (pixels + 7) / 8;
        ByteArrayOutputStream raw = new ByteArrayOutputStream((rowBytes + 1) * pixels / 4 + 64);
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try (DeflaterOutputStream image = new DeflaterOutputStream(raw, deflater)) {
            byte[] row = new byte[rowBytes + 1];
            for (int y = 0; y < modules.getHeight(); y++) {
                java.util.Arrays.fill(row, (byte) 0); // filter type 0, then black (0) bits
                for (int x = 0; x < pixels; x++) {
                    if (!modules.get(x / scale, y)) {
                        row[1 + x / 8] |= (byte) (0x80 >>> (x % 8)); // light pixel = 1 in 1-bit grayscale
                    }
                }
                for (int repeat = 0; repeat < scale; repeat++) {
                    image.write(row);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deflater.end();
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream(raw.size() + 64);
        try {
            png.write(PNG_SIGNATURE);
            ByteArrayOutputStream header = new ByteArrayOutputStream(13);
            DataOutputStream h = new DataOutputStream(header);
            h.writeInt(pixels);
            h.writeInt(pixels);
            h.writeByte(1); // bit depth
            h.writeByte(0); // grayscale
            h.writeByte(0); // deflate
            h.writeByte(0); // adaptive filtering
            h.writeByte(0); // no interlace
            chunk(png, "IHDR", header.toByteArray());
            chunk(png, "IDAT", raw.toByteArray());
            chunk(png, "IEND", new byte[0]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return png.toByteArray();
    }

    /** An SVG of {@code size} pixels: one path of the dark modules, run by run. */
    public static String svg(BitMatrix modules, int size) {
        int width = modules.getWidth();
        StringBuilder path = new StringBuilder(width * width);
        for (int y = 0; y < modules.getHeight(); y++) {
            int x = 0;
            while (x < width) {
                if (!modules.get(x, y)) {
                    x++;
                    continue;
                }
                int start = x;
                while (x < width && modules.get(x, y)) {
                    x++;
                }
                path.append('M').append(start).append(',').append(y).append('h').append(x - start).append("v1h-")
                        .append(x - start).append('z');
            }
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + size + "\" height=\"" + size
                + "\" viewBox=\"0 0 " + width + " " + width + "\" shape-rendering=\"crispEdges\">"
                + "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>"
                + "<path fill=\"#000\" d=\"" + path + "\"/></svg>\n";
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        d.writeInt(data.length);
        d.write(typeBytes);
        d.write(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        d.writeInt((int) crc.getValue());
    }

    private QrImages() {
    }
}
