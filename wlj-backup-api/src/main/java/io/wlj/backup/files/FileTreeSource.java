package io.wlj.backup.files;

import io.wlj.backup.BackupException;
import io.wlj.backup.internal.TarTreeWriter;
import io.wlj.backup.spi.BackupSource;
import io.wlj.backup.spi.SourceContext;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Directories stored as one POSIX tar artifact: content, permission bits, modification times,
 * owners, empty directories and symbolic links (stored as links, never followed). Entries are
 * named {@code <root directory name>/<path inside it>}, so a restore recreates each root by name
 * inside the target directory.
 *
 * <p>Include and exclude patterns are {@link java.nio.file.FileSystem#getPathMatcher glob}
 * patterns matched against that entry name, for example {@code data/**}{@code /*.json} or
 * {@code **}{@code /*.tmp}. An excluded directory is not descended into. When include patterns are
 * given, only files and links matching one are stored (directories are kept for their structure).
 *
 * <p>The roots themselves are resolved if they are symbolic links; nothing below them is followed.
 * Sockets, pipes and device files are skipped with a warning.
 */
public final class FileTreeSource implements BackupSource {
    /** Format recorded in the manifest for this source's artifacts. */
    public static final String FORMAT = "tar";
    public static final String TYPE = "files";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final String name;
    private final List<Path> roots;
    private final List<String> includes;
    private final List<String> excludes;

    private FileTreeSource(Builder b) {
        this.name = b.name;
        this.roots = List.copyOf(b.roots);
        this.includes = List.copyOf(b.includes);
        this.excludes = List.copyOf(b.excludes);
    }

    /** A source named {@code name} holding the given directories, with no filters. */
    public static FileTreeSource of(String name, Path... roots) {
        Builder b = builder(name);
        for (Path r : roots) {
            b.root(r);
        }
        return b.build();
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return TYPE;
    }

    public List<Path> roots() {
        return roots;
    }

    public List<String> includes() {
        return includes;
    }

    public List<String> excludes() {
        return excludes;
    }

    @Override
    public void backup(SourceContext context) throws IOException {
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                throw new BackupException(io.wlj.backup.ErrorCode.SOURCE_FAILED,
                        "The directory " + root + " of source '" + name + "' does not exist or is not a directory.");
            }
        }
        try (OutputStream out = context.newArtifact(name, FORMAT)) {
            TarTreeWriter.Stats stats = new TarTreeWriter(roots, includes, excludes, context).write(out);
            context.metadata("roots", roots.stream().map(FileTreeSource::rootName).toList());
            context.metadata("files", stats.files());
            context.metadata("directories", stats.directories());
            context.metadata("symlinks", stats.symlinks());
            context.metadata("contentBytes", stats.contentBytes());
            if (!includes.isEmpty()) {
                context.metadata("includes", includes);
            }
            if (!excludes.isEmpty()) {
                context.metadata("excludes", excludes);
            }
        }
    }

    /** The name a root's entries are stored under. */
    public static String rootName(Path root) {
        Path real = root.toAbsolutePath().normalize();
        Path fileName = real.getFileName();
        return fileName == null ? "root" : fileName.toString();
    }

    @Override
    public String toString() {
        return "FileTreeSource[" + name + " " + roots + "]";
    }

    /** Fail-fast settings for a {@link FileTreeSource}. */
    public static final class Builder {
        private final String name;
        private final List<Path> roots = new ArrayList<>();
        private final List<String> includes = new ArrayList<>();
        private final List<String> excludes = new ArrayList<>();

        private Builder(String name) {
            Objects.requireNonNull(name, "name");
            if (!NAME.matcher(name).matches()) {
                throw BackupException.badInput("Source name '" + name + "' must start with a letter or digit and use only letters, digits, '.', '-' and '_' (at most 64).");
            }
            this.name = name;
        }

        public Builder root(Path root) {
            roots.add(Objects.requireNonNull(root, "root").toAbsolutePath().normalize());
            return this;
        }

        public Builder include(String... globs) {
            for (String g : globs) {
                includes.add(checkGlob(g));
            }
            return this;
        }

        public Builder exclude(String... globs) {
            for (String g : globs) {
                excludes.add(checkGlob(g));
            }
            return this;
        }

        public FileTreeSource build() {
            if (roots.isEmpty()) {
                throw BackupException.badInput("File tree source '" + name + "' has no directory to back up.");
            }
            Set<String> names = new HashSet<>();
            for (Path r : roots) {
                if (!names.add(rootName(r))) {
                    throw BackupException.badInput("File tree source '" + name + "' has two directories named '" + rootName(r)
                            + "'; they would collide on restore. Put them in separate sources.");
                }
            }
            return new FileTreeSource(this);
        }

        private static String checkGlob(String glob) {
            try {
                java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + glob);
            } catch (IllegalArgumentException e) {
                throw BackupException.badInput("'" + glob + "' is not a valid glob pattern: " + e.getMessage());
            }
            return glob;
        }
    }
}
