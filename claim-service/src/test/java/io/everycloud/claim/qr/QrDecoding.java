package io.everycloud.claim.qr;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.NotFoundException;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;

/** Reads QR codes back the way a phone would: from the pixels, with zxing's reader. */
final class QrDecoding {

    static String decodePng(byte[] png) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            if (image == null) {
                throw new AssertionError("not a PNG ImageIO can read");
            }
            return decode(image);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses the SVG as XML and paints its path (the runs this service writes) before decoding. */
    static String decodeSvg(byte[] svg) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document document = factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg));
            Element root = document.getDocumentElement();
            String[] viewBox = root.getAttribute("viewBox").split(" ");
            int modules = Integer.parseInt(viewBox[2]);
            String d = ((Element) root.getElementsByTagName("path").item(0)).getAttribute("d");
            int scale = 6;
            BufferedImage image = new BufferedImage(modules * scale, modules * scale, BufferedImage.TYPE_BYTE_GRAY);
            Graphics2D g = image.createGraphics();
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.setColor(Color.BLACK);
            Matcher run = Pattern.compile("M(\\d+),(\\d+)h(\\d+)v1h-(\\d+)z").matcher(d);
            int painted = 0;
            while (run.find()) {
                g.fillRect(Integer.parseInt(run.group(1)) * scale, Integer.parseInt(run.group(2)) * scale,
                        Integer.parseInt(run.group(3)) * scale, scale);
                painted += run.group(0).length();
            }
            g.dispose();
            if (painted != d.length()) {
                throw new AssertionError("the SVG path has commands this reader does not know: " + d);
            }
            return decode(image);
        } catch (AssertionError e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("not a readable SVG: " + new String(svg, StandardCharsets.UTF_8), e);
        }
    }

    private static String decode(BufferedImage image) {
        try {
            BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image)));
            return new QRCodeReader().decode(bitmap, Map.of(DecodeHintType.TRY_HARDER, Boolean.TRUE)).getText();
        } catch (NotFoundException | com.google.zxing.ChecksumException | com.google.zxing.FormatException e) {
            throw new AssertionError("no QR code could be read from the image", e);
        }
    }

    private QrDecoding() {
    }
}
