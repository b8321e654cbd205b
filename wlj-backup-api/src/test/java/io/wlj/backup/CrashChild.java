package io.wlj.backup;

import io.wlj.backup.files.FileTreeSource;
import io.wlj.backup.repository.FileSystemRepository;
import io.wlj.backup.repository.LockMode;
import io.wlj.backup.spi.BackupSource;
import io.wlj.backup.spi.SourceContext;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Random;

/**
 * Runs in a child JVM that the test kills with SIGKILL at a chosen point. It announces that
 * point on stdout and then blocks on stdin, so the kill lands exactly there.
 * Modes: {@code mid-artifact}, {@code between-artifacts}, {@code before-seal}, {@code hold-lock}.
 */
public final class CrashChild {
    public static void main(String[] args) throws Exception {
        Path repo = Path.of(args[0]);
        String mode = args[1];
        FileSystemRepository repository = FileSystemRepository.at(repo);
        if (mode.equals("hold-lock")) {
            repository.lock(LockMode.EXCLUSIVE, "crash test");
            announce("LOCKED");
        }
        BackupSystem.Builder builder = BackupSystem.configure().repository(repository).parallelism(1)
                .source(FileTreeSource.of("files", Path.of(args[2])))
                .source(new Stalling(mode));
        if (mode.equals("before-seal")) {
            builder.gates(Stage.AFTER_BACKUP, new io.wlj.backup.spi.ValidationGate() {
                @Override
                public String name() {
                    return "stall";
                }

                @Override
                public GateResult evaluate(io.wlj.backup.spi.GateContext context) {
                    announce("MIDWAY before-seal");
                    return new GateResult(name(), context.stage(), GateResult.Status.PASS, "");
                }
            });
        }
        builder.build().backup();
        System.out.println("DONE");
    }

    static void announce(String line) {
        System.out.println(line);
        System.out.flush();
        try {
            System.in.read(); // blocks until the parent kills us
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A source that writes part of an artifact, or one artifact and part of another, then stalls. */
    private static final class Stalling implements BackupSource {
        private final String mode;

        Stalling(String mode) {
            this.mode = mode;
        }

        @Override
        public String name() {
            return "stream";
        }

        @Override
        public String type() {
            return "test";
        }

        @Override
        public void backup(SourceContext context) throws IOException {
            byte[] chunk = new byte[1 << 20];
            new Random(7).nextBytes(chunk);
            try (OutputStream a = context.newArtifact("first", "bin")) {
                a.write(chunk);
                a.flush();
                if (mode.equals("mid-artifact")) {
                    announce("MIDWAY mid-artifact");
                }
                a.write(chunk);
            }
            try (OutputStream b = context.newArtifact("second", "bin")) {
                b.write(chunk);
                b.flush();
                if (mode.equals("between-artifacts")) {
                    announce("MIDWAY between-artifacts");
                }
            }
        }
    }
}
