package io.everycloud.firmware.content;

import java.util.Optional;

/** One satisfiable byte range of a {@code Range: bytes=...} header (RFC 9110 §14). */
public record ByteRange(long start, long end) {

    /** Thrown when the header asks for bytes the content does not have (answered with 416). */
    public static class Unsatisfiable extends RuntimeException {
        public Unsatisfiable() {
            super(null, null, false, false);
        }
    }

    public long length() {
        return end - start + 1;
    }

    /**
     * The range a header asks for; empty when there is no header or one this server ignores
     * (other units, several ranges, unreadable): the whole content is sent then, as RFC 9110 allows.
     */
    public static Optional<ByteRange> parse(String header, long size) {
        if (header == null || !header.trim().toLowerCase(java.util.Locale.ROOT).startsWith("bytes=")) {
            return Optional.empty();
        }
        String spec = header.trim().substring("bytes=".length()).trim();
        if (spec.contains(",")) {
            return Optional.empty();
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return Optional.empty();
        }
        try {
            String first = spec.substring(0, dash).trim();
            String last = spec.substring(dash + 1).trim();
            if (first.isEmpty()) {
                long suffix = Long.parseLong(last);
                if (suffix <= 0 || size == 0) {
                    throw new Unsatisfiable();
                }
                return Optional.of(new ByteRange(Math.max(0, size - suffix), size - 1));
            }
            long start = Long.parseLong(first);
            long end = last.isEmpty() ? size - 1 : Math.min(Long.parseLong(last), size - 1);
            if (start < 0 || start >= size || end < start) {
                throw new Unsatisfiable();
            }
            return Optional.of(new ByteRange(start, end));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
