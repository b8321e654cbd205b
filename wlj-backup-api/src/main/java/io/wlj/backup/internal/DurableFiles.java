package io.wlj.backup.internal;

import io.wlj.backup.spi.StagedFile;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * Crash-safe file writing: every file is written under a temporary name, fsync'd, renamed into
 * place and its directory fsync'd, so a reader sees either nothing or the complete file.
 * Directories are created 0700 and files 0600 where the file system is POSIX.
 */
public final class DurableFiles {
    /** Prefix of temporary names; anything starting with it is an interrupted write. */
    public static final String TEMP_PREFIX = ".tmp-";
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final IoHook hook;

    public DurableFiles(IoHook hook) {
        this.hook = hook;
    }

    /** Creates {@code dir} (and missing parents) with mode 0700 and fsyncs its parent. */
    public void createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) {
            createDirectories(parent);
        }
        hook.before("mkdir " + dir.getFileName());
        try {
            if (POSIX) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
            } else {
                Files.createDirectory(dir);
            }
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw e;
            }
            return;
        }
        if (parent != null) {
            fsyncDirectory(parent);
        }
    }

    /** Starts writing {@code target} under a temporary name in the same directory. */
    public StagedFile stage(Path target) throws IOException {
        return new Staged(target);
    }

    /** Writes {@code bytes} to {@code target} atomically and durably, replacing any previous file. */
    public void write(Path target, byte[] bytes) throws IOException {
        try (StagedFile file = stage(target)) {
            file.stream().write(bytes);
            file.commit();
        }
    }

    /** Makes a directory's entries (creations, renames, deletions) durable. */
    public static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some file systems cannot open directories; POSIX ones can, and those are where it matters.
            if (POSIX) {
                throw e;
            }
        }
    }

    public static FileAttribute<?>[] fileAttributes() {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE_MODE)} : new FileAttribute<?>[0];
    }

    private static String randomSuffix() {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private final class Staged implements StagedFile {
        private final Path target;
        private final Path temp;
        private final FileChannel channel;
        private final OutputStream stream;
        private boolean committed;
        private boolean closed;

        Staged(Path target) throws IOException {
            this.target = target;
            this.temp = target.resolveSibling(TEMP_PREFIX + target.getFileName() + "-" + randomSuffix());
            hook.before("create " + target.getFileName());
            this.channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), fileAttributes());
            OutputStream raw = Channels.newOutputStream(channel);
            this.stream = new BufferedOutputStream(new FilterOutputStream(raw) {
                private boolean first = true;

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    if (first) {
                        first = false;
                        hook.before("write " + target.getFileName());
                    }
                    out.write(b, off, len);
                }

                @Override
                public void close() {
                    // The channel is closed by commit or discard, not by callers of stream().
                }
            }, 64 * 1024);
        }

        @Override
        public OutputStream stream() {
            return stream;
        }

        @Override
        public void commit() throws IOException {
            if (committed || closed) {
                throw new IllegalStateException("already " + (committed ? "committed" : "discarded") + ": " + target);
            }
            stream.flush();
            hook.before("fsync " + target.getFileName());
            channel.force(true);
            channel.close();
            hook.before("rename " + target.getFileName());
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            committed = true;
            hook.before("fsync-dir " + target.getParent().getFileName());
            fsyncDirectory(target.getParent());
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            if (!committed) {
                try {
                    channel.close();
                } finally {
                    Files.deleteIfExists(temp);
                }
            }
        }
    }
}
