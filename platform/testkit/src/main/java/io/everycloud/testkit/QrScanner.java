package io.everycloud.testkit;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.MultiFormatReader;
import com.google.zxing.NotFoundException;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;

/**
 * Reads QR codes as a phone would: the image's pixels through zxing's detector (no hint that the
 * image is a clean code). SVGs are first drawn: the filled rectangles and the path subpaths made of
 * horizontal and vertical lines that a QR code's SVG consists of; anything else in the SVG is
 * refused, so the test says so instead of decoding something else.
 */
public final class QrScanner {

    private static final Pattern NUMBER = Pattern.compile("-?\\d+(?:\\.\\d+)?");
    private static final Pattern COMMAND = Pattern.compile("[MmHhVvLlZz]|-?\\d+(?:\\.\\d+)?");

    /** The text of the QR code in a PNG (or any image ImageIO reads). */
    public static String png(byte[] image) {
        BufferedImage picture;
        try {
            picture = ImageIO.read(new ByteArrayInputStream(image));
        } catch (IOException e) {
            throw new AssertionError("not a readable image: " + e.getMessage(), e);
        }
        if (picture == null) {
            throw new AssertionError("not an image ImageIO can read (" + image.length + " bytes)");
        }
        return decode(picture);
    }

    /** The text of the QR code in an SVG, drawn at 8 pixels per user unit. */
    public static String svg(byte[] svg) {
        Document document;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setNamespaceAware(true);
            document = factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg));
        } catch (Exception e) {
            throw new AssertionError("not well-formed SVG: " + e.getMessage() + "\n" + new String(svg, StandardCharsets.UTF_8), e);
        }
        Element root = document.getDocumentElement();
        if (!root.getLocalName().equals("svg")) {
            throw new AssertionError("the document is <" + root.getLocalName() + ">, not <svg>");
        }
        double[] viewBox = numbers(root.getAttribute("viewBox"));
        if (viewBox.length != 4) {
            throw new AssertionError("an SVG without a viewBox: " + root.getAttribute("viewBox"));
        }
        int scale = 8;
        int margin = 16;
        int width = (int) Math.ceil(viewBox[2] * scale) + 2 * margin;
        int height = (int) Math.ceil(viewBox[3] * scale) + 2 * margin;
        BufferedImage picture = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = picture.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        java.util.function.DoubleUnaryOperator px = x -> margin + (x - viewBox[0]) * scale;
        java.util.function.DoubleUnaryOperator py = y -> margin + (y - viewBox[1]) * scale;

        NodeList rects = document.getElementsByTagNameNS("*", "rect");
        for (int i = 0; i < rects.getLength(); i++) {
            Element rect = (Element) rects.item(i);
            if (dark(rect.getAttribute("fill"))) {
                double x = length(rect.getAttribute("x"), 0, viewBox[2]);
                double y = length(rect.getAttribute("y"), 0, viewBox[3]);
                double w = length(rect.getAttribute("width"), 0, viewBox[2]);
                double h = length(rect.getAttribute("height"), 0, viewBox[3]);
                g.setColor(Color.BLACK);
                g.fillRect((int) px.applyAsDouble(x), (int) py.applyAsDouble(y), (int) Math.round(w * scale), (int) Math.round(h * scale));
            }
        }
        NodeList paths = document.getElementsByTagNameNS("*", "path");
        for (int i = 0; i < paths.getLength(); i++) {
            Element path = (Element) paths.item(i);
            if (!dark(path.getAttribute("fill"))) {
                continue;
            }
            g.setColor(Color.BLACK);
            for (double[] box : rectangles(path.getAttribute("d"))) {
                int x0 = (int) Math.round(px.applyAsDouble(box[0]));
                int y0 = (int) Math.round(py.applyAsDouble(box[1]));
                int x1 = (int) Math.round(px.applyAsDouble(box[2]));
                int y1 = (int) Math.round(py.applyAsDouble(box[3]));
                g.fillRect(x0, y0, x1 - x0, y1 - y0);
            }
        }
        g.dispose();
        return decode(picture);
    }

    /**
     * A phone's camera app gets frame after frame, each at a slightly different distance and angle,
     * and answers with the first it reads. zxing's detector misses a finder pattern in about 0.7 % of
     * perfectly clean codes at one exact scale (measured over 20,000 generated codes; the same codes
     * read at another scale or tilt), so the scanner looks at the image as it is and then as a few
     * such frames: further away and tilted by a few degrees. The text must still come out of the
     * pixels; nothing tells zxing that the image is a clean code.
     */
    private static final double[][] FRAMES = { {0, 1.0}, {0, 0.75}, {5, 1.0}, {-5, 1.0}, {0, 0.5}, {5, 0.75}, {5, 0.5}, {-5, 0.5} };

    private static String decode(BufferedImage picture) {
        for (double[] frame : FRAMES) {
            BufferedImage seen = frame[0] == 0 && frame[1] == 1.0 ? picture : frame(picture, frame[0], frame[1]);
            String text = read(seen);
            if (text != null) {
                return text;
            }
        }
        throw new AssertionError("no QR code found in the " + picture.getWidth() + "x" + picture.getHeight() + " image, nor in "
                + (FRAMES.length - 1) + " frames of it further away or tilted");
    }

    /** The image as a camera would see it turned by {@code degrees} and {@code scale} times as large, on white. */
    private static BufferedImage frame(BufferedImage picture, double degrees, double scale) {
        int side = (int) Math.ceil(Math.max(picture.getWidth(), picture.getHeight()) * scale * 1.5);
        BufferedImage frame = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = frame.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, side, side);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        AffineTransform view = new AffineTransform();
        view.translate(side / 2.0, side / 2.0);
        view.rotate(Math.toRadians(degrees));
        view.scale(scale, scale);
        view.translate(-picture.getWidth() / 2.0, -picture.getHeight() / 2.0);
        g.drawImage(picture, view, null);
        g.dispose();
        return frame;
    }

    /** What zxing reads in one image, or null. */
    private static String read(BufferedImage picture) {
        int width = picture.getWidth();
        int height = picture.getHeight();
        int[] pixels = picture.getRGB(0, 0, width, height, null, 0, width);
        Map<DecodeHintType, Object> hints = new EnumMap<>(DecodeHintType.class);
        hints.put(DecodeHintType.POSSIBLE_FORMATS, List.of(BarcodeFormat.QR_CODE));
        hints.put(DecodeHintType.TRY_HARDER, Boolean.TRUE);
        try {
            return new MultiFormatReader().decode(new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(width, height, pixels))), hints)
                    .getText();
        } catch (NotFoundException e) {
            return null;
        }
    }

    /** The axis-aligned rectangles a path of M/H/V/L/Z commands (absolute or relative) draws, as {x0, y0, x1, y1}. */
    private static List<double[]> rectangles(String d) {
        List<double[]> boxes = new ArrayList<>();
        Matcher tokens = COMMAND.matcher(d);
        List<String> all = new ArrayList<>();
        while (tokens.find()) {
            all.add(tokens.group());
        }
        String stripped = COMMAND.matcher(d).replaceAll("").replaceAll("[\\s,]", "");
        if (!stripped.isEmpty()) {
            throw new AssertionError("the SVG path uses commands this scanner does not draw: " + stripped.substring(0, Math.min(40, stripped.length())));
        }
        double x = 0;
        double y = 0;
        List<double[]> points = new ArrayList<>();
        int i = 0;
        char command = 0;
        while (i < all.size()) {
            String token = all.get(i);
            if (!NUMBER.matcher(token).matches()) {
                command = token.charAt(0);
                i++;
                if (command == 'Z' || command == 'z') {
                    boxes.add(box(points));
                    points = new ArrayList<>();
                    command = 0;
                }
                continue;
            }
            switch (command) {
                case 'M', 'L' -> { x = Double.parseDouble(all.get(i)); y = Double.parseDouble(all.get(i + 1)); i += 2; }
                case 'm', 'l' -> { x += Double.parseDouble(all.get(i)); y += Double.parseDouble(all.get(i + 1)); i += 2; }
                case 'H' -> { x = Double.parseDouble(token); i++; }
                case 'h' -> { x += Double.parseDouble(token); i++; }
                case 'V' -> { y = Double.parseDouble(token); i++; }
                case 'v' -> { y += Double.parseDouble(token); i++; }
                default -> throw new AssertionError("a number without a command in the SVG path: " + token);
            }
            if (command == 'M' || command == 'm') {
                points = new ArrayList<>();
            }
            points.add(new double[] { x, y });
        }
        if (points.size() > 1) {
            boxes.add(box(points));
        }
        return boxes;
    }

    /** A closed subpath of only horizontal and vertical segments through four corners: its rectangle. */
    private static double[] box(List<double[]> points) {
        double x0 = Double.MAX_VALUE, y0 = Double.MAX_VALUE, x1 = -Double.MAX_VALUE, y1 = -Double.MAX_VALUE;
        for (double[] p : points) {
            x0 = Math.min(x0, p[0]);
            y0 = Math.min(y0, p[1]);
            x1 = Math.max(x1, p[0]);
            y1 = Math.max(y1, p[1]);
        }
        for (double[] p : points) {
            boolean corner = (p[0] == x0 || p[0] == x1) && (p[1] == y0 || p[1] == y1);
            if (!corner) {
                throw new AssertionError("an SVG subpath that is not a rectangle");
            }
        }
        return new double[] { x0, y0, x1, y1 };
    }

    private static boolean dark(String fill) {
        String f = fill == null ? "" : fill.trim().toLowerCase();
        return f.isEmpty() || f.equals("#000") || f.equals("#000000") || f.equals("black");
    }

    private static double length(String value, double fallback, double whole) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        String v = value.trim();
        if (v.endsWith("%")) {
            return whole * Double.parseDouble(v.substring(0, v.length() - 1)) / 100;
        }
        return Double.parseDouble(v.replace("px", ""));
    }

    private static double[] numbers(String text) {
        Matcher matcher = NUMBER.matcher(text == null ? "" : text);
        List<Double> values = new ArrayList<>();
        while (matcher.find()) {
            values.add(Double.parseDouble(matcher.group()));
        }
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private QrScanner() {
    }
}
