package io.everycloud.claim.qr;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import jakarta.ws.rs.core.StreamingOutput;

import io.everycloud.claim.code.ClaimCodeStrength;
import io.everycloud.claim.device.DeviceState;

/**
 * Writes a batch ZIP as it goes: {@code index.csv} first (identity, code, url, weak, file), then
 * one PNG per device, each built and written before the next, so memory does not grow with the
 * batch. PNGs are already compressed and are stored as they are.
 */
final class QrBatch implements StreamingOutput {

    static final String INDEX = "index.csv";

    private final List<DeviceState> devices;
    private final ClaimUrls urls;
    private final ClaimUrls.Format format;
    private final int pixels;

    QrBatch(List<DeviceState> devices, ClaimUrls urls, ClaimUrls.Format format, int pixels) {
        this.devices = devices;
        this.urls = urls;
        this.format = format;
        this.pixels = pixels;
    }

    /** The PNG's name in the ZIP: ':' (allowed in identities, not in Windows file names) becomes %3A. */
    static String fileName(String identity) {
        return identity.replace(":", "%3A") + ".png";
    }

    @Override
    public void write(OutputStream output) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(output, StandardCharsets.UTF_8);
        zip.putNextEntry(new ZipEntry(INDEX));
        Writer index = new OutputStreamWriter(zip, StandardCharsets.UTF_8);
        index.write("identity,code,url,weak,file\r\n");
        for (DeviceState device : devices) {
            String code = device.primaryCode();
            index.write(csv(device.identity()) + "," + csv(code) + "," + csv(urls.forCode(code, format)) + ","
                    + ClaimCodeStrength.isWeak(code, device.identity()) + "," + csv(fileName(device.identity())) + "\r\n");
        }
        index.flush();
        zip.closeEntry();
        for (DeviceState device : devices) {
            byte[] png = QrImages.png(QrImages.modules(urls.forCode(device.primaryCode(), format)), pixels);
            ZipEntry entry = new ZipEntry(fileName(device.identity()));
            entry.setMethod(ZipEntry.STORED);
            entry.setSize(png.length);
            entry.setCompressedSize(png.length);
            CRC32 crc = new CRC32();
            crc.update(png);
            entry.setCrc(crc.getValue());
            zip.putNextEntry(entry);
            zip.write(png);
            zip.closeEntry();
        }
        zip.finish();
        zip.flush();
    }

    /**
     * RFC 4180 quoting. A value a spreadsheet would run as a formula (starting with = + - @ or a
     * tab; claim codes can be set by devices) is prefixed with an apostrophe, as OWASP advises for
     * CSV exports; the QR code itself carries the exact code.
     */
    static String csv(String value) {
        String safe = value;
        if (!safe.isEmpty() && "=+-@\t\r".indexOf(safe.charAt(0)) >= 0) {
            safe = "'" + safe;
        }
        if (safe.contains(",") || safe.contains("\"") || safe.contains("\n") || safe.contains("\r")) {
            return "\"" + safe.replace("\"", "\"\"") + "\"";
        }
        return safe;
    }
}
