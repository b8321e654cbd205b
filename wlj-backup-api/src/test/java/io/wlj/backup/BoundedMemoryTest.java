package io.wlj.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline streams: a file many times larger than the heap goes through backup, verify and restore. */
class BoundedMemoryTest {
    @TempDir
    Path tmp;

    @Test
    void aFileEightTimesTheHeapBacksUpVerifiesAndRestoresIn64MiB() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("big"));
        Path file = dir.resolve("large.bin");
        long size = 512L << 20;
        byte[] noise = new byte[1 << 20];
        new Random(5).nextBytes(noise);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size); // sparse zeros, with incompressible islands every 64 MiB
            for (long off = 0; off < size; off += 64L << 20) {
                raf.seek(off);
                raf.write(noise);
            }
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-cp", System.getProperty("java.class.path"), BoundedMemoryChild.class.getName(),
                tmp.resolve("repo").toString(), dir.toString(), tmp.resolve("restored").toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        String ok = out.lines().filter(l -> l.startsWith("OK ")).findFirst().orElseThrow();
        assertThat(Long.parseLong(ok.split(" ")[1])).as("tar bytes streamed").isGreaterThan(size);
        assertThat(Long.parseLong(ok.split(" ")[2])).as("the child's heap").isLessThanOrEqualTo(64L << 20);
        assertThat(Files.size(tmp.resolve("restored/big/large.bin"))).isEqualTo(size);
        assertThat(Files.mismatch(file, tmp.resolve("restored/big/large.bin"))).isEqualTo(-1L);
    }
}
