package io.everycloud.kit.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict {@code application/x-www-form-urlencoded} reader, for endpoints that read a form body
 * as a whole and must name what is wrong in their own error shape (user-service's RFC 6749
 * {@code /oauth/token} and {@code /oauth/revoke}). Pairs are separated by {@code &}, a pair
 * without {@code =} is a name with an empty value, {@code +} is a space; a name or value with a
 * {@code %} not followed by two hex digits, with bytes that are not text in the body's charset
 * (UTF-8 unless the request names another), or with a NUL character (which PostgreSQL cannot
 * store) is refused with {@link Malformed} naming the parameter. Forms read field by field with {@code @FormParam} are decoded by RESTEasy Reactive;
 * their malformed escapes are {@link BadFormEncoding}'s.
 */
public final class UrlEncodedForm {

    /** What is wrong with a form body: the parameter (null when its name is what is malformed) and why. */
    public static final class Malformed extends RuntimeException {

        private final String parameter;

        Malformed(String parameter, String message) {
            super(message, null, false, false);
            this.parameter = parameter;
        }

        /** The decoded name of the parameter whose value is malformed; null when the name itself is. */
        public String parameter() {
            return parameter;
        }
    }

    /** The parameters of a UTF-8 body in the order they first appear, each with its values in order. */
    public static Map<String, List<String>> parse(byte[] body) {
        return parse(body, StandardCharsets.UTF_8);
    }

    /**
     * The parameters of a body whose escaped bytes are text in {@code charset} (the request's
     * {@code charset} parameter; UTF-8 when it has none), in the order they first appear.
     */
    public static Map<String, List<String>> parse(byte[] body, Charset charset) {
        Map<String, List<String>> form = new LinkedHashMap<>();
        if (body == null) {
            return form;
        }
        int start = 0;
        while (start <= body.length) {
            int end = indexOf(body, (byte) '&', start);
            if (end > start) {
                int eq = indexOf(body, (byte) '=', start, end);
                String name = decode(body, start, eq < 0 ? end : eq, charset, null, null);
                String value = eq < 0 ? "" : decode(body, eq + 1, end, charset, name, "the value of " + printable(name));
                form.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            }
            start = end + 1;
        }
        form.replaceAll((name, values) -> Collections.unmodifiableList(values));
        return Collections.unmodifiableMap(form);
    }

    /**
     * One form-urlencoded text, e.g. a part of HTTP Basic credentials (RFC 6749 2.3.1), by the
     * same rules as a body's names and values; {@code what} names it in the message ("the client
     * id of the Basic credentials").
     */
    public static String decode(String text, String what) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return decode(bytes, 0, bytes.length, StandardCharsets.UTF_8, what, what);
    }

    /**
     * Decodes {@code body[from, to)}: the value of {@code parameter}, or a name when that is null;
     * {@code subject} says what it is in a message (null: "the parameter name '...'").
     */
    private static String decode(byte[] body, int from, int to, Charset charset, String parameter, String subject) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            byte b = body[i];
            if (b == '+') {
                bytes.write(' ');
            } else if (b == '%') {
                int high = i + 1 < to ? Character.digit(body[i + 1], 16) : -1;
                int low = i + 2 < to ? Character.digit(body[i + 2], 16) : -1;
                if (high < 0 || low < 0) {
                    String escape = new String(body, i, Math.min(3, to - i), StandardCharsets.ISO_8859_1);
                    throw malformed(parameter, subject, body, from, to, "has a malformed %-escape ('" + escape + "')");
                }
                bytes.write(high * 16 + low);
                i += 2;
            } else {
                bytes.write(b);
            }
        }
        String text;
        try {
            text = charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw malformed(parameter, subject, body, from, to, "is not " + charset.name());
        }
        if (text.indexOf('\0') >= 0) {
            throw malformed(parameter, subject, body, from, to, "contains a NUL character (%00)");
        }
        return text;
    }

    private static Malformed malformed(String parameter, String subject, byte[] body, int from, int to, String problem) {
        if (subject != null) {
            return new Malformed(parameter, subject + " " + problem);
        }
        String raw = new String(body, from, Math.min(to - from, 40), StandardCharsets.ISO_8859_1);
        return new Malformed(null, "the parameter name '" + printable(raw) + (to - from > 40 ? "..." : "") + "' " + problem);
    }

    /** A name as it can be shown in a message: at most 40 characters, control characters escaped. */
    private static String printable(String text) {
        StringBuilder shown = new StringBuilder();
        text.codePoints().limit(40).forEach(c -> {
            if (Character.isISOControl(c)) {
                shown.append(String.format("\\u%04x", c));
            } else {
                shown.appendCodePoint(c);
            }
        });
        return text.codePointCount(0, text.length()) > 40 ? shown + "..." : shown.toString();
    }

    private static int indexOf(byte[] body, byte wanted, int from) {
        return indexOf(body, wanted, from, body.length);
    }

    private static int indexOf(byte[] body, byte wanted, int from, int to) {
        for (int i = from; i < to; i++) {
            if (body[i] == wanted) {
                return i;
            }
        }
        return wanted == '&' ? to : -1;
    }

    private UrlEncodedForm() {
    }
}
