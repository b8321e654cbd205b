package io.wlj.backup.cli;

import io.wlj.backup.BackupException;
import io.wlj.backup.BackupSystem;
import io.wlj.backup.internal.Json;
import io.wlj.backup.repository.Leftover;
import io.wlj.backup.repository.VerificationRecord;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "verify", description = {"Re-read stored artifacts and check their size and SHA-256 against the manifest.",
        "Needs no key. --deep also decodes each artifact and checks its plaintext checksum."})
final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    RepositoryOption repository;
    @Mixin
    BackupSelector selector;
    @Mixin
    OutputOptions output;
    @Mixin
    GateOptions gates;

    @Option(names = "--all", description = "Verify every sealed backup.")
    boolean all;

    @Option(names = "--deep", description = "Also decode every artifact and compare its plaintext SHA-256.")
    boolean deep;

    @Option(names = "--restore-test", arity = "0..1", fallbackValue = "", paramLabel = "ADMIN_JDBC_URL",
            description = {"Restore drill: restore the database into a scratch database on this server (a URL naming its maintenance "
                    + "database, such as jdbc:postgresql://HOST/postgres), check it, drop it, and keep the outcome as a verification record.",
                    "Without a URL, an embedded PostgreSQL is started for the drill."})
    String restoreTest;

    @Mixin
    DatabaseLogin login;

    @Override
    public Integer call() throws Exception {
        if (restoreTest != null) {
            return drill();
        }
        if (!gates.specs.isEmpty()) {
            throw BackupException.badInput("--gate applies to a restore drill (--restore-test); verify checks stored bytes.");
        }
        BackupSystem backups = deep ? repository.builder(true).build() : repository.system();
        List<VerificationRecord> records;
        if (all) {
            if (selector.id != null || selector.latest) {
                throw BackupException.badInput("Give one of: a backup id, --latest or --all.");
            }
            records = backups.verifyAll(deep, output.progress(spec.commandLine().getErr()));
        } else {
            records = List.of(backups.verify(selector.resolve(backups), deep, output.progress(spec.commandLine().getErr())));
        }
        List<Leftover> leftovers = backups.leftovers();
        boolean passed = records.stream().allMatch(VerificationRecord::passed);
        PrintWriter out = spec.commandLine().getOut();
        if (output.json) {
            out.println(Json.PRETTY.writeValueAsString(java.util.Map.of("passed", passed, "results", records,
                    "leftovers", leftovers)));
        } else {
            if (records.isEmpty()) {
                out.println("No sealed backups to verify.");
            }
            for (VerificationRecord r : records) {
                if (r.passed()) {
                    out.printf("%s  OK      %d file(s), %s checked (%s)%n", r.backupId(), r.artifacts(), Sizes.human(r.bytes()), r.kind());
                } else {
                    out.printf("%s  FAILED%n", r.backupId());
                    r.problems().forEach(p -> out.println("    " + p));
                }
            }
            if (!leftovers.isEmpty()) {
                out.println("note: " + leftovers.size() + " leftover(s) of interrupted operations, not listed as backups: "
                        + leftovers.stream().map(Leftover::path).toList());
            }
        }
        if (!passed) {
            spec.commandLine().getErr().println("error: " + records.stream().filter(r -> !r.passed()).count()
                    + " backup(s) failed verification.");
        }
        return passed ? WljBackup.OK : WljBackup.CHECK_FAILED;
    }

    /** verify --restore-test: one drill per selected backup, on the given server or an embedded one. */
    private int drill() throws Exception {
        BackupSystem.Builder configured = repository.builder(true);
        gates.apply(configured, GateOptions.Context.RESTORE, null);
        BackupSystem backups = configured.build();
        List<io.wlj.backup.BackupId> ids = all ? backups.list().stream().map(io.wlj.backup.repository.ManifestHeader::id).toList()
                : List.of(selector.resolve(backups));
        PrintWriter out = spec.commandLine().getOut();
        io.zonky.test.db.postgres.embedded.EmbeddedPostgres embedded = null;
        try {
            io.wlj.backup.postgres.PostgresDatabase server;
            if (restoreTest.isEmpty()) {
                spec.commandLine().getErr().println("Starting an embedded PostgreSQL for the drill...");
                embedded = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder().setCleanDataDirectory(true).start();
                server = io.wlj.backup.postgres.PostgresDatabase.url(embedded.getJdbcUrl("postgres", "postgres"));
                int major;
                try (java.sql.Connection c = embedded.getPostgresDatabase().getConnection(); java.sql.Statement st = c.createStatement();
                     java.sql.ResultSet rs = st.executeQuery("SHOW server_version_num")) {
                    rs.next();
                    major = rs.getInt(1) / 10000;
                }
                for (io.wlj.backup.BackupId id : ids) {
                    // A backup restores into the same or a newer major version, never an older one.
                    for (io.wlj.backup.repository.SourceDetail d : backups.show(id).requireDetail().sources()) {
                        Object v = d.metadata().get("serverVersion");
                        if (v != null && Integer.parseInt(v.toString().replaceAll("^(\\d+).*", "$1")) > major) {
                            throw BackupException.badInput("Backup " + id + " is of PostgreSQL " + v + ", newer than the embedded "
                                    + major + "; give a server of its version: --restore-test jdbc:postgresql://HOST/postgres.");
                        }
                    }
                }
            } else {
                server = login.database(restoreTest);
            }
            List<VerificationRecord> records = new java.util.ArrayList<>();
            for (io.wlj.backup.BackupId id : ids) {
                records.add(io.wlj.backup.postgres.RestoreDrill.on(server).run(backups, id));
            }
            boolean passed = records.stream().allMatch(VerificationRecord::passed);
            if (output.json) {
                out.println(Json.PRETTY.writeValueAsString(java.util.Map.of("passed", passed, "results", records)));
            } else {
                for (VerificationRecord r : records) {
                    if (r.passed()) {
                        out.printf("%s  OK      restored into a scratch database and checked: %d table(s), %d row(s), %d gate(s) passed, %d ms%n",
                                r.backupId(), r.artifacts(), r.bytes(), r.gates().size(), r.duration().toMillis());
                    } else {
                        out.printf("%s  FAILED  restore drill%n", r.backupId());
                    }
                    r.problems().forEach(p -> out.println("    " + p));
                }
            }
            if (!passed) {
                spec.commandLine().getErr().println("error: " + records.stream().filter(r -> !r.passed()).count()
                        + " backup(s) failed their restore drill.");
            }
            return passed ? WljBackup.OK : WljBackup.CHECK_FAILED;
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }
}
