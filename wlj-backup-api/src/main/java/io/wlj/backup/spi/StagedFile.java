package io.wlj.backup.spi;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A file being written to a repository under a temporary name. {@link #commit()} makes it
 * durable under its final name; {@link #close()} without a commit discards it.
 */
public interface StagedFile extends Closeable {

    /** Where to write the bytes. Closing this stream does not commit. */
    OutputStream stream();

    /** Flushes, fsyncs, renames to the final name and fsyncs the directory. */
    void commit() throws IOException;

    /** Discards the file unless it was committed. */
    @Override
    void close() throws IOException;
}
