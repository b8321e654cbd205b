package io.wlj.backup.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One transformation of the stream between a source and the repository, such as compression
 * or encryption. Stages are applied in configuration order when writing and in reverse when
 * reading, like an interceptor chain: each wraps the stream of the next.
 */
public interface CodecStage {

    /** Stable identifier recorded in the manifest's codec chain, for example {@code zstd}. */
    String id();

    /** File name suffix that standard tools recognise, for example {@code .zst}; may be empty. */
    String fileExtension();

    /**
     * Wraps {@code out} so that bytes written to the result reach {@code out} encoded. Closing
     * the result must finish the encoding and close {@code out}.
     */
    OutputStream encode(OutputStream out) throws IOException;

    /** Wraps {@code in} so that reading the result yields the decoded bytes. */
    InputStream decode(InputStream in) throws IOException;

    /**
     * Called once at the start of every backup, before any data is read. A stage with expensive
     * setup (an encryption stage deriving its key from a passphrase) does it here, once per
     * backup, and returns the prepared stage; it must fail here when its secret is missing.
     */
    default CodecStage forBackup() {
        return this;
    }

    /** What this stage protects with, when it encrypts; empty for compression. */
    default java.util.Optional<Protection> protection() {
        return java.util.Optional.empty();
    }
}
