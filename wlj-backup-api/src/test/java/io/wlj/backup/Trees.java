package io.wlj.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.wlj.backup.internal.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Builds sample directory trees and describes trees for exact comparison. */
final class Trees {
    private Trees() {
    }

    /** A tree with text and binary files, modes, old mtimes, empty dirs, symlinks and unicode names. */
    static Path sample(Path root, long seed) throws IOException {
        Random random = new Random(seed);
        Files.createDirectories(root);
        Files.writeString(root.resolve("journal.json"), "{\"entries\":[{\"date\":\"2025-12-25\",\"text\":\"Grateful\"}]}\n");
        Path nested = Files.createDirectories(root.resolve("presets/deep/er"));
        Files.writeString(nested.resolve("coach.yaml"), "style: gentle\n".repeat(200));
        byte[] blob = new byte[300_000];
        random.nextBytes(blob);
        Files.write(root.resolve("presets/photo.bin"), blob);
        Files.writeString(root.resolve("presets/Ünïcødé – 日記.txt"), "unicode name\n");
        Files.createDirectories(root.resolve("empty-dir"));
        Files.createDirectories(root.resolve("locked"));
        Files.writeString(root.resolve("locked/secret.txt"), "mode 0400\n");
        Files.setPosixFilePermissions(root.resolve("locked/secret.txt"), PosixFilePermissions.fromString("r--------"));
        Files.writeString(root.resolve("run.sh"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(root.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.createSymbolicLink(root.resolve("link-to-journal"), Path.of("journal.json"));
        Files.createSymbolicLink(root.resolve("dangling"), Path.of("../nowhere/at/all"));
        Files.createSymbolicLink(root.resolve("outside"), Path.of("/etc"));
        Files.write(root.resolve("empty-file"), new byte[0]);
        Files.writeString(root.resolve("a-name-that-is-rather-long-" + "x".repeat(120) + ".txt"), "long name\n");
        Instant old = Instant.parse("2021-03-04T05:06:07.123Z");
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                if (!Files.isSymbolicLink(p)) {
                    Files.setLastModifiedTime(p, FileTime.from(old.plusSeconds(p.toString().length())));
                }
            }
        }
        Files.setPosixFilePermissions(root.resolve("locked"), PosixFilePermissions.fromString("r-x------"));
        return root;
    }

    /** Path -> type, mode, mtime (ms), size and SHA-256 or link target. */
    static Map<String, String> describe(Path root) throws IOException {
        Map<String, String> result = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.toList()) {
                String rel = root.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    result.put(rel, "link -> " + Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    result.put(rel, "dir " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p))
                            + " " + Files.getLastModifiedTime(p).toMillis());
                } else {
                    result.put(rel, "file " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p))
                            + " " + Files.getLastModifiedTime(p).toMillis() + " " + Files.size(p) + " "
                            + Sha256.of(Files.readAllBytes(p)));
                }
            }
        }
        return result;
    }

    static void assertSameTree(Path expected, Path actual) throws IOException {
        assertThat(describe(actual)).containsExactlyEntriesOf(describe(expected));
    }
}
