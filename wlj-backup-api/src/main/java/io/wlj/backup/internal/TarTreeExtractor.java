package io.wlj.backup.internal;

import io.wlj.backup.BackupException;
import io.wlj.backup.ErrorCode;
import io.wlj.backup.ProgressMonitor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Extracts a tar written by {@link TarTreeWriter} into a staging directory. Refuses entries that
 * would land outside it (absolute names, {@code ..}, writing through a symbolic link) or outside
 * the roots the manifest names. Directory modes and times are applied last, deepest first, so
 * read-only directories can still be filled.
 */
public final class TarTreeExtractor {
    private final Path staging;
    private final Set<String> allowedRoots;
    private final ProgressMonitor progress;
    private final List<String> warnings = new ArrayList<>();
    private final Set<Path> knownDirectories = new HashSet<>();
    private final byte[] buffer = new byte[128 * 1024];

    private record DirAttrs(Path path, int mode, FileTime mtime) {
    }

    public TarTreeExtractor(Path staging, Set<String> allowedRoots, ProgressMonitor progress) {
        this.staging = staging.toAbsolutePath().normalize();
        this.allowedRoots = allowedRoots;
        this.progress = progress;
        knownDirectories.add(this.staging);
    }

    public List<String> warnings() {
        return warnings;
    }

    /** Extracts every entry; the caller proves the checksums before using the result. */
    public void extract(InputStream in) throws IOException {
        List<DirAttrs> dirs = new ArrayList<>();
        TarArchiveInputStream tar = new TarArchiveInputStream(in, "UTF-8");
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
            if (progress.isCancelled()) {
                throw new BackupException(ErrorCode.CANCELLED, "The restore was cancelled.");
            }
            Path target = resolve(entry.getName());
            if (entry.isDirectory()) {
                ensureDirectory(target);
                dirs.add(new DirAttrs(target, entry.getMode(), FileTime.from(entry.getLastModifiedTime().toInstant())));
            } else if (entry.isSymbolicLink()) {
                ensureDirectory(target.getParent());
                Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                setTimes(target, entry.getLastModifiedTime(), LinkOption.NOFOLLOW_LINKS);
            } else if (entry.isFile()) {
                ensureDirectory(target.getParent());
                try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS)) {
                    int n;
                    while ((n = tar.read(buffer)) > 0) {
                        out.write(buffer, 0, n);
                        progress.update(n);
                    }
                }
                Files.setPosixFilePermissions(target, fromMode(entry.getMode()));
                setTimes(target, entry.getLastModifiedTime());
            } else {
                warnings.add("Skipped " + entry.getName() + ": entry type " + (char) entry.getLinkFlag() + " is not restored.");
            }
        }
        // Deepest first, so setting a parent's time is not undone by touching a child.
        dirs.sort((a, b) -> Integer.compare(b.path.getNameCount(), a.path.getNameCount()));
        for (DirAttrs d : dirs) {
            Files.setPosixFilePermissions(d.path, fromMode(d.mode));
            setTimes(d.path, d.mtime);
        }
    }

    private Path resolve(String name) {
        String clean = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        Path relative = Path.of(clean);
        if (clean.isEmpty() || relative.isAbsolute()) {
            throw unsafe(name);
        }
        for (Path part : relative) {
            String p = part.toString();
            if (p.equals("..") || p.equals(".")) {
                throw unsafe(name);
            }
        }
        if (!allowedRoots.contains(relative.getName(0).toString())) {
            throw new BackupException(ErrorCode.INTEGRITY, "The archive holds '" + name
                    + "', which is outside the directories its manifest names; nothing was restored.");
        }
        Path target = staging.resolve(relative).normalize();
        if (!target.startsWith(staging)) {
            throw unsafe(name);
        }
        return target;
    }

    private void ensureDirectory(Path dir) throws IOException {
        if (knownDirectories.contains(dir)) {
            return;
        }
        ensureDirectory(dir.getParent());
        if (Files.isSymbolicLink(dir)) {
            throw new BackupException(ErrorCode.INTEGRITY, "The archive writes through the symbolic link '"
                    + staging.relativize(dir) + "'; nothing was restored.");
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(dir);
        }
        knownDirectories.add(dir);
    }

    private static BackupException unsafe(String name) {
        return new BackupException(ErrorCode.INTEGRITY, "The archive holds the unsafe path '" + name + "'; nothing was restored.");
    }

    private void setTimes(Path path, java.util.Date mtime, LinkOption... options) {
        setTimes(path, FileTime.from(mtime.toInstant()), options);
    }

    private void setTimes(Path path, FileTime mtime, LinkOption... options) {
        try {
            Files.getFileAttributeView(path, BasicFileAttributeView.class, options).setTimes(mtime, null, null);
        } catch (IOException | UnsupportedOperationException e) {
            warnings.add("Could not set the modification time of " + staging.relativize(path) + ": " + e.getMessage());
        }
    }

    static Set<PosixFilePermission> fromMode(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) {
            if ((mode & (1 << i)) != 0) {
                set.add(order[i]);
            }
        }
        return set;
    }
}
