package io.wlj.backup.postgres.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads a data artifact: {@code COPY ... FROM stdin;} header lines, each followed by rows in
 * COPY text format up to a line {@code \.}. Rows are handed on in large slices, never parsed:
 * the text format escapes newlines and backslashes inside values, so a line that is exactly
 * {@code \.} can only be the end marker.
 */
final class CopyBlockReader {
    private static final int SIZE = 256 * 1024;
    private final InputStream in;
    private final byte[] buf = new byte[SIZE];
    private int pos;
    private int limit;

    /** Receives row bytes. */
    interface Sink {
        void write(byte[] b, int off, int len) throws IOException, java.sql.SQLException;
    }

    CopyBlockReader(InputStream in) {
        this.in = in;
    }

    /** The next non-empty line (a COPY header), or null at the end of the artifact. */
    String nextHeader() throws IOException {
        while (true) {
            int nl = indexOf(pos);
            while (nl < 0) {
                if (limit - pos >= SIZE) {
                    throw new IOException("a line of more than " + SIZE + " bytes where a COPY header was expected");
                }
                if (!fill()) {
                    if (pos == limit) {
                        return null;
                    }
                    throw new EOFException("the data ends inside a COPY header line");
                }
                nl = indexOf(pos);
            }
            String line = new String(buf, pos, nl - pos, StandardCharsets.UTF_8);
            pos = nl + 1;
            if (!line.isEmpty()) {
                return line;
            }
        }
    }

    /** Streams the rows of the current block to {@code sink}, consuming its end marker. */
    /**
     * Moves to the block of {@code table}, past the settings that make an artifact a psql script
     * on its own; a different table there means the artifact and its table of contents disagree.
     */
    String expectBlock(Toc.TableData table, String artifact) throws IOException {
        String header = nextHeader();
        while (header != null && header.startsWith("SET ")) {
            header = nextHeader();
        }
        if (!table.copy().equals(header)) {
            throw new io.wlj.backup.IntegrityException(artifact, "The data artifact " + artifact + " does not hold table "
                    + table.qualifiedName() + " where its table of contents says it does.");
        }
        return header;
    }

    /** As {@link #copyRows(long, Sink)} with the block's recorded length, or by scanning when none was recorded. */
    void copyRows(Toc.TableData table, Sink sink) throws IOException, java.sql.SQLException {
        if (table.bytes() > 0 || table.rows() == 0) {
            copyRows(table.bytes(), sink);
        } else {
            copyRows(sink);
        }
    }

    void copyRows(Sink sink) throws IOException, java.sql.SQLException {
        boolean lineStart = true;
        while (true) {
            if (pos == limit && !fill()) {
                throw new EOFException("the data ends before the end marker of a COPY block");
            }
            int j = pos;
            while (true) {
                if (lineStart) {
                    if (limit - j < 3) {
                        if (j > pos) {
                            sink.write(buf, pos, j - pos);
                            pos = j;
                        }
                        if (!fill()) {
                            throw new EOFException("the data ends before the end marker of a COPY block");
                        }
                        j = pos;
                        continue;
                    }
                    if (buf[j] == '\\' && buf[j + 1] == '.' && buf[j + 2] == '\n') {
                        if (j > pos) {
                            sink.write(buf, pos, j - pos);
                        }
                        pos = j + 3;
                        return;
                    }
                }
                int nl = indexOf(j);
                if (nl < 0) {
                    sink.write(buf, pos, limit - pos);
                    pos = limit;
                    lineStart = false;
                    break;
                }
                j = nl + 1;
                lineStart = true;
                if (j == limit) {
                    sink.write(buf, pos, j - pos);
                    pos = j;
                    break;
                }
            }
        }
    }

    /**
     * Streams exactly {@code length} bytes of rows to {@code sink}, then requires the block's end
     * marker. The table of contents records each block's length, so the rows need no scanning for
     * line ends (which cost more CPU than decryption and decompression together); a length that
     * does not match the data fails on the marker.
     */
    void copyRows(long length, Sink sink) throws IOException, java.sql.SQLException {
        long left = length;
        byte last = '\n';
        while (left > 0) {
            if (pos == limit && !fill()) {
                throw new EOFException("the data ends " + left + " bytes before the end of a COPY block");
            }
            int n = (int) Math.min(left, limit - pos);
            sink.write(buf, pos, n);
            last = buf[pos + n - 1];
            pos += n;
            left -= n;
        }
        while (limit - pos < 3) {
            int before = limit - pos;
            if (!fill() || limit - pos == before) {
                throw new EOFException("the data ends before the end marker of a COPY block");
            }
        }
        if (buf[pos] != '\\' || buf[pos + 1] != '.' || buf[pos + 2] != '\n' || last != '\n') {
            throw new IOException("a COPY block does not end where its recorded length says");
        }
        pos += 3;
    }

    private int indexOf(int from) {
        for (int i = from; i < limit; i++) {
            if (buf[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Moves unread bytes to the front and reads more; false at end of stream. */
    private boolean fill() throws IOException {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        if (limit == buf.length) {
            return true; // full of unread bytes; callers consume before asking again
        }
        int n = in.read(buf, limit, buf.length - limit);
        if (n < 0) {
            return false;
        }
        limit += n;
        return true;
    }
}
