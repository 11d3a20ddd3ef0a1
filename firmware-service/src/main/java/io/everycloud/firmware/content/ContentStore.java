package io.everycloud.firmware.content;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.UUID;

/**
 * Where package binaries live. Implementations stream: neither storing nor reading ever holds a
 * whole binary in memory. {@link #store} joins the caller's transaction when there is one, so a
 * package row and its bytes commit together.
 */
public interface ContentStore {

    /** Size and lowercase hex SHA-256 of stored content. */
    record Stored(long size, String sha256) {
    }

    /** Reads the stream to its end and stores it under the id. */
    Stored store(UUID contentId, InputStream in) throws IOException;

    /** Writes {@code length} bytes starting at {@code offset} to the output. */
    void copy(UUID contentId, long offset, long length, OutputStream out) throws IOException;

    /** Removes the content (nothing happens if there is none). */
    void delete(UUID contentId);
}
