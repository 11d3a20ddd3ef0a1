package io.everycloud.firmware.content;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.everycloud.firmware.db.Jdbc;

/**
 * Content in PostgreSQL, so that every replica serves every package without shared disks: one
 * {@code package_chunk} row per MiB. Reads fetch one chunk (or the part of it a range needs) at a time.
 */
@ApplicationScoped
public class PostgresContentStore implements ContentStore {

    /** Bytes per chunk row; fixed, because offsets of stored content are computed from it. */
    static final int CHUNK_BYTES = 1024 * 1024;

    @Inject
    Jdbc jdbc;

    @Override
    public Stored store(UUID contentId, InputStream in) throws IOException {
        MessageDigest sha = sha256();
        byte[] buffer = new byte[CHUNK_BYTES];
        long size = 0;
        int seq = 0;
        try (Connection connection = jdbc.connection();
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO package_chunk (content_id, seq, data) VALUES (?, ?, ?)")) {
            int filled;
            while ((filled = in.readNBytes(buffer, 0, CHUNK_BYTES)) > 0) {
                sha.update(buffer, 0, filled);
                size += filled;
                insert.setObject(1, contentId);
                insert.setInt(2, seq++);
                insert.setBytes(3, filled == CHUNK_BYTES ? buffer : java.util.Arrays.copyOf(buffer, filled));
                insert.executeUpdate();
            }
        } catch (SQLException e) {
            throw new Jdbc.DatabaseException(e);
        }
        return new Stored(size, HexFormat.of().formatHex(sha.digest()));
    }

    @Override
    public void copy(UUID contentId, long offset, long length, OutputStream out) throws IOException {
        long position = offset;
        long end = offset + length;
        try (Connection connection = jdbc.connection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT substring(data FROM ? FOR ?) FROM package_chunk WHERE content_id = ? AND seq = ?")) {
            while (position < end) {
                int seq = (int) (position / CHUNK_BYTES);
                int within = (int) (position % CHUNK_BYTES);
                int take = (int) Math.min(CHUNK_BYTES - within, end - position);
                select.setInt(1, within + 1);
                select.setInt(2, take);
                select.setObject(3, contentId);
                select.setInt(4, seq);
                byte[] bytes;
                try (ResultSet rs = select.executeQuery()) {
                    if (!rs.next()) {
                        throw new IOException("content " + contentId + " has no chunk " + seq);
                    }
                    bytes = rs.getBytes(1);
                }
                if (bytes.length == 0) {
                    throw new IOException("content " + contentId + " ends before byte " + position);
                }
                out.write(bytes);
                position += bytes.length;
            }
            out.flush();
        } catch (SQLException e) {
            throw new IOException("could not read content " + contentId, e);
        }
    }

    @Override
    public void delete(UUID contentId) {
        jdbc.update("DELETE FROM package_chunk WHERE content_id = ?", contentId);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
