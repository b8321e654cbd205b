package io.wlj.backup;

import io.wlj.backup.spi.CodecStage;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;

/**
 * Compression stages. Every format is the standard one its command-line tool reads:
 * {@code zstd -d}, {@code gunzip}.
 */
public final class Compression {
    /** The default: zstd level 3 using both cores. */
    public static final int DEFAULT_ZSTD_LEVEL = 3;

    private Compression() {
    }

    /** zstd at level 3 with one worker thread per available core. */
    public static CodecStage zstd() {
        return zstd(DEFAULT_ZSTD_LEVEL);
    }

    /** zstd at {@code level} (1-19) with one worker thread per available core. */
    public static CodecStage zstd(int level) {
        return zstd(level, Runtime.getRuntime().availableProcessors());
    }

    /** zstd at {@code level} (1-19) with {@code workers} compression threads (0 compresses on the caller's thread). */
    public static CodecStage zstd(int level, int workers) {
        if (level < 1 || level > 19) {
            throw BackupException.badInput("zstd level must be between 1 and 19, not " + level + ".");
        }
        if (workers < 0 || workers > 64) {
            throw BackupException.badInput("zstd workers must be between 0 and 64, not " + workers + ".");
        }
        return new Zstd(level, workers);
    }

    /** gzip at {@code level} (1-9). */
    public static CodecStage gzip(int level) {
        if (level < 1 || level > 9) {
            throw BackupException.badInput("gzip level must be between 1 and 9, not " + level + ".");
        }
        return new Gzip(level);
    }

    /** gzip at level 6, as the gzip tool does. */
    public static CodecStage gzip() {
        return gzip(6);
    }

    /** No compression: bytes are stored as the source wrote them. */
    public static CodecStage none() {
        return None.INSTANCE;
    }

    /**
     * The stage that decodes a codec id recorded in a manifest. Levels do not matter for decoding.
     *
     * @throws BackupException when the id is not a compression this version knows
     */
    public static CodecStage forId(String id) {
        switch (id) {
            case "zstd": return zstd();
            case "gzip": return gzip();
            case "none": return none();
            default: throw new BackupException(ErrorCode.REPOSITORY,
                    "The codec '" + id + "' recorded in the manifest is not known to this version of wlj-backup.");
        }
    }

    /** True for the codec ids this class decodes without any key. */
    public static boolean isCompression(String id) {
        return "zstd".equals(id) || "gzip".equals(id) || "none".equals(id);
    }

    /**
     * Parses the CLI form: {@code zstd}, {@code zstd:9}, {@code gzip}, {@code gzip:6}, {@code none}.
     */
    public static CodecStage parse(String text) {
        String[] parts = text.trim().toLowerCase(java.util.Locale.ROOT).split(":", 2);
        Integer level = null;
        if (parts.length == 2) {
            try {
                level = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw BackupException.badInput("Compression level in '" + text + "' is not a number.");
            }
        }
        switch (parts[0]) {
            case "zstd": return level == null ? zstd() : zstd(level);
            case "gzip": return level == null ? gzip() : gzip(level);
            case "none": return none();
            default: throw BackupException.badInput("Unknown compression '" + text + "': use zstd, zstd:LEVEL, gzip, gzip:LEVEL or none.");
        }
    }

    private record Zstd(int level, int workers) implements CodecStage {
        @Override
        public String id() {
            return "zstd";
        }

        @Override
        public String fileExtension() {
            return ".zst";
        }

        @Override
        public OutputStream encode(OutputStream out) throws IOException {
            return ZstdCompressorOutputStream.builder()
                    .setOutputStream(out)
                    .setLevel(level)
                    .setWorkers(workers)
                    .setChecksum(true)
                    .get();
        }

        @Override
        public InputStream decode(InputStream in) throws IOException {
            return new ZstdCompressorInputStream(in);
        }

        @Override
        public String toString() {
            return "zstd(level " + level + ", " + workers + " workers)";
        }
    }

    private record Gzip(int level) implements CodecStage {
        @Override
        public String id() {
            return "gzip";
        }

        @Override
        public String fileExtension() {
            return ".gz";
        }

        @Override
        public OutputStream encode(OutputStream out) throws IOException {
            GzipParameters parameters = new GzipParameters();
            parameters.setCompressionLevel(level);
            return new GzipCompressorOutputStream(out, parameters);
        }

        @Override
        public InputStream decode(InputStream in) throws IOException {
            // Concatenated members are read, as gunzip does.
            return GzipCompressorInputStream.builder()
                    .setInputStream(new BufferedInputStream(in, 64 * 1024))
                    .setDecompressConcatenated(true)
                    .get();
        }

        @Override
        public String toString() {
            return "gzip(level " + level + ")";
        }
    }

    private enum None implements CodecStage {
        INSTANCE;

        @Override
        public String id() {
            return "none";
        }

        @Override
        public String fileExtension() {
            return "";
        }

        @Override
        public OutputStream encode(OutputStream out) {
            return out;
        }

        @Override
        public InputStream decode(InputStream in) {
            return in;
        }

        @Override
        public String toString() {
            return "none";
        }
    }
}
