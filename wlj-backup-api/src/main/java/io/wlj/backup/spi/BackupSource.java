package io.wlj.backup.spi;

import java.io.IOException;

/**
 * Something that can be backed up: it streams one or more named artifacts into the
 * {@link SourceContext} it is given. Implementations must stream (never hold a whole table or
 * file in memory) and must throw when they cannot produce complete data, so that an incomplete
 * backup is never sealed.
 */
public interface BackupSource {

    /** Name of this source, unique within a backup system: letters, digits, '-', '_' and '.'. */
    String name();

    /** Kind of source recorded in the manifest, for example {@code files} or {@code postgres}. */
    String type();

    /** Writes this source's artifacts. Called once per backup, possibly in parallel with other sources. */
    void backup(SourceContext context) throws IOException;
}
