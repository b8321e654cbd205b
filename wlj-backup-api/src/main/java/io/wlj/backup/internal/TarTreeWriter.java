package io.wlj.backup.internal;

import io.wlj.backup.BackupException;
import io.wlj.backup.ErrorCode;
import io.wlj.backup.files.FileTreeSource;
import io.wlj.backup.spi.SourceContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Streams directory trees into a POSIX (pax) tar that GNU tar and bsdtar read. */
public final class TarTreeWriter {
    private final List<Path> roots;
    private final List<PathMatcher> includes;
    private final List<PathMatcher> excludes;
    private final SourceContext context;
    private final byte[] buffer = new byte[128 * 1024];
    private long files;
    private long directories;
    private long symlinks;
    private long contentBytes;

    /** What was stored. */
    public record Stats(long files, long directories, long symlinks, long contentBytes) {
    }

    public TarTreeWriter(List<Path> roots, List<String> includes, List<String> excludes, SourceContext context) {
        this.roots = roots;
        this.includes = includes.stream().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
        this.excludes = excludes.stream().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
        this.context = context;
    }

    public Stats write(OutputStream out) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out, "UTF-8");
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
        for (Path root : roots) {
            Path real = root.toRealPath();
            walk(tar, real, FileTreeSource.rootName(root));
        }
        tar.finish();
        tar.flush();
        return new Stats(files, directories, symlinks, contentBytes);
    }

    private void walk(TarArchiveOutputStream tar, Path dir, String name) throws IOException {
        checkCancelled();
        PosixFileAttributes attrs = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        TarArchiveEntry entry = new TarArchiveEntry(name + "/", TarConstants.LF_DIR, true);
        describe(entry, dir, attrs, TarArchiveEntry.DEFAULT_DIR_MODE & ~0777);
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
        directories++;

        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(children::add);
        }
        children.sort(null);
        for (Path child : children) {
            String childName = name + "/" + child.getFileName();
            Path matchPath = Path.of(childName);
            if (matches(excludes, matchPath)) {
                continue;
            }
            PosixFileAttributes a = Files.readAttributes(child, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isDirectory()) {
                walk(tar, child, childName);
            } else if (!includes.isEmpty() && !matches(includes, matchPath)) {
                continue;
            } else if (a.isSymbolicLink()) {
                TarArchiveEntry link = new TarArchiveEntry(childName, TarConstants.LF_SYMLINK, true);
                link.setLinkName(Files.readSymbolicLink(child).toString());
                describe(link, child, a, 0120000);
                link.setMode(0120777);
                tar.putArchiveEntry(link);
                tar.closeArchiveEntry();
                symlinks++;
            } else if (a.isRegularFile()) {
                writeFile(tar, child, childName, a);
            } else {
                context.warn("Skipped " + childName + ": sockets, pipes and device files are not backed up.");
            }
        }
    }

    private void writeFile(TarArchiveOutputStream tar, Path file, String name, PosixFileAttributes a) throws IOException {
        long size = a.size();
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_NORMAL, true);
        describe(entry, file, a, 0100000);
        entry.setSize(size);
        tar.putArchiveEntry(entry);
        long remaining = size;
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            while (remaining > 0) {
                checkCancelled();
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
                if (n < 0) {
                    break;
                }
                tar.write(buffer, 0, n);
                remaining -= n;
                context.progress().update(n);
            }
            if (remaining == 0 && in.read() >= 0) {
                context.warn(name + " grew while it was being read; the first " + size + " bytes were stored.");
            }
        }
        if (remaining > 0) {
            // Like GNU tar: keep the archive well-formed, pad with zeros and say so.
            context.warn(name + " shrank while it was being read; " + remaining + " missing bytes were stored as zeros.");
            java.util.Arrays.fill(buffer, (byte) 0);
            while (remaining > 0) {
                int n = (int) Math.min(buffer.length, remaining);
                tar.write(buffer, 0, n);
                remaining -= n;
            }
        }
        tar.closeArchiveEntry();
        files++;
        contentBytes += size;
    }

    private static void describe(TarArchiveEntry entry, Path path, PosixFileAttributes a, int typeBits) throws IOException {
        entry.setMode(typeBits | toMode(a.permissions()));
        entry.setLastModifiedTime(a.lastModifiedTime());
        Map<String, Object> unix = Files.readAttributes(path, "unix:uid,gid", LinkOption.NOFOLLOW_LINKS);
        entry.setUserId(((Number) unix.get("uid")).longValue());
        entry.setGroupId(((Number) unix.get("gid")).longValue());
        entry.setUserName(a.owner().getName());
        entry.setGroupName(a.group().getName());
    }

    static int toMode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission p : permissions) {
            mode |= switch (p) {
                case OWNER_READ -> 0400;
                case OWNER_WRITE -> 0200;
                case OWNER_EXECUTE -> 0100;
                case GROUP_READ -> 040;
                case GROUP_WRITE -> 020;
                case GROUP_EXECUTE -> 010;
                case OTHERS_READ -> 04;
                case OTHERS_WRITE -> 02;
                case OTHERS_EXECUTE -> 01;
            };
        }
        return mode;
    }

    private static boolean matches(List<PathMatcher> matchers, Path path) {
        for (PathMatcher m : matchers) {
            if (m.matches(path)) {
                return true;
            }
        }
        return false;
    }

    private void checkCancelled() {
        if (context.progress().isCancelled()) {
            throw new BackupException(ErrorCode.CANCELLED, "The backup was cancelled.");
        }
    }
}
