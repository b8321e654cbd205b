package io.wlj.backup.cli;

import io.wlj.backup.BackupException;
import io.wlj.backup.BackupResult;
import io.wlj.backup.BackupSystem;
import io.wlj.backup.Compression;
import io.wlj.backup.Gates;
import io.wlj.backup.RestorePlan;
import io.wlj.backup.RestoreReport;
import io.wlj.backup.Stage;
import io.wlj.backup.crypto.OpenPgp;
import io.wlj.backup.crypto.PassphraseSource;
import io.wlj.backup.files.FileTreeSource;
import io.wlj.backup.internal.Sha256;
import io.wlj.backup.repository.FileSystemRepository;
import io.wlj.backup.repository.ManifestHeader;
import io.wlj.backup.repository.StoredArtifact;
import io.wlj.backup.repository.VerificationRecord;
import io.wlj.backup.postgres.PostgresDatabase;
import io.wlj.backup.postgres.PostgresSource;
import io.wlj.backup.postgres.PostgresTarget;
import io.wlj.backup.postgres.SqlScriptTarget;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The quick-start demo: a sample Whole Life Journey database on an embedded PostgreSQL, its
 * JSON data export and media folder backed up, listed, verified, restored after a simulated
 * disaster, compared, and a tampered byte caught. Needs nothing but a JDK.
 */
@Command(name = "demo", description = "Show the product end to end on an embedded PostgreSQL and a sample app, plain and encrypted. Needs nothing installed.")
final class DemoCommand implements Callable<Integer> {
    /** The sample app's tables, modeled on the Whole Life Journey playbook. */
    private static final String[] TABLES = {"users_user", "journal_journalentry", "faith_faithentry", "health_healthmetric",
        "life_lifegoal", "purpose_purposestatement", "ai_coachingstyle"};

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", description = "Work in DIR and keep everything (default: a temporary directory, removed at the end).")
    Path dir;

    @Option(names = "--users", defaultValue = "200", description = "Sample users to create (default: ${DEFAULT-VALUE}).")
    int users;

    private PrintWriter out;
    private int step;

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        boolean keep = dir != null;
        Path work = keep ? Files.createDirectories(dir.toAbsolutePath().normalize()) : Files.createTempDirectory("wlj-backup-demo");
        if (keep && Files.exists(work.resolve("repo"))) {
            throw BackupException.badInput(work + " already holds a demo; give an empty or new --dir.");
        }
        out.println("wlj-backup demo: backup, verification and restore, end to end, in " + work);
        out.println();
        try {
            run(work);
        } finally {
            if (!keep) {
                io.wlj.backup.internal.FileTrees.delete(work);
            }
        }
        out.println();
        out.println("Demo finished: every step worked." + (keep ? " Everything is kept in " + work + "." : ""));
        return WljBackup.OK;
    }

    private void run(Path work) throws Exception {
        say("Starting an embedded PostgreSQL (downloaded with the jar, nothing to install)...");
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setCleanDataDirectory(true).start();
             Connection db = pg.getPostgresDatabase().getConnection()) {
            String version = scalar(db, "SHOW server_version");
            detail("PostgreSQL " + version + " is running on port " + pg.getPort() + ".");

            say("Creating the sample Whole Life Journey database (users, journal, faith, health, life, purpose, reference data)...");
            createSample(db);
            Map<String, Long> counts = new LinkedHashMap<>();
            for (String t : TABLES) {
                counts.put(t, Long.parseLong(scalar(db, "SELECT count(*) FROM " + t)));
            }
            detail(counts.values().stream().mapToLong(Long::longValue).sum() + " rows in " + TABLES.length + " tables: " + counts);

            Path app = Files.createDirectories(work.resolve("app"));
            say("The app exports its data as JSON lines into app/data and keeps uploads in app/media...");
            exportJson(db, Files.createDirectories(app.resolve("data")));
            writeMedia(Files.createDirectories(app.resolve("media")));
            Map<String, String> original = describe(app);
            detail(original.size() + " files and directories ready to back up.");

            Path repoDir = work.resolve("repo");
            say("Creating a repository at " + repoDir + " (plain here; an encrypted one follows at the end).");
            FileSystemRepository repository = FileSystemRepository.init(repoDir);
            PostgresDatabase sampleDb = PostgresDatabase.url(pg.getJdbcUrl("postgres", "postgres"));
            BackupSystem backups = BackupSystem.configure()
                    .repository(repository)
                    .source(PostgresSource.builder(sampleDb).name("wlj-db").jobs(2).build())
                    .source(FileTreeSource.of("app", app.resolve("data"), app.resolve("media")))
                    .compression(Compression.zstd(3))
                    .gates(Stage.AFTER_BACKUP, Gates.checksums(), Gates.minSize(1024))
                    .build();

            say("Backing up the database (pure JDBC: one snapshot, 2 connections, COPY; no pg_dump) and app/data and app/media "
                    + "(tar), SHA-256 of every byte in and out, zstd level 3, gates before sealing...");
            BackupResult result = backups.backup(Map.of("trigger", "demo"), io.wlj.backup.ProgressMonitor.NONE);
            detail("Backup " + result.id() + " sealed: " + Sizes.human(result.plainBytes()) + " read, "
                    + Sizes.human(result.storedBytes()) + " stored (" + String.format(java.util.Locale.ROOT, "%.1fx", (double) result.plainBytes() / result.storedBytes())
                    + " smaller), gates " + result.gates().stream().map(g -> g.gate() + "=" + g.status()).toList() + ".");

            say("Listing the repository (this needs no key, so a monitoring host can do it)...");
            for (ManifestHeader h : backups.list()) {
                detail(h.id() + "  created " + h.createdAt() + "  " + Sizes.human(h.storedBytes()) + " stored in "
                        + h.artifacts().size() + " file(s)");
            }

            say("Verifying: re-reading every stored byte, decoding it, and comparing both SHA-256 sums with the manifest...");
            VerificationRecord check = backups.verify(result.id(), true, io.wlj.backup.ProgressMonitor.NONE);
            detail(check.passed() ? "Verified: " + check.artifacts() + " file(s), " + Sizes.human(check.bytes()) + " intact."
                    : "FAILED: " + check.problems());
            require(check.passed(), "the fresh backup did not verify");

            say("Disaster strikes: the journal export is deleted and a photo is overwritten.");
            Files.delete(app.resolve("data/journal_journalentry.jsonl"));
            Files.writeString(app.resolve("media/photo-001.jpg"), "overwritten by mistake");

            Path restored = work.resolve("restored");
            RestorePlan plan = backups.restore(result.id()).toDirectory(restored).plan();
            say("The restore plan, printed before anything is touched:");
            plan.describe().lines().forEach(this::detail);

            say("Restoring into " + restored + " (staged, proven by checksum, then moved into place)...");
            RestoreReport report = plan.execute();
            detail("Restored in " + report.duration().toMillis() + " ms.");
            Map<String, String> back = describe(restored);
            require(back.equals(original), "the restored files differ from the original");
            detail("All " + back.size() + " files and directories are identical to the original: content, permissions and modification times.");
            long restoredEntries;
            try (Stream<String> lines = Files.lines(restored.resolve("data/journal_journalentry.jsonl"))) {
                restoredEntries = lines.count();
            }
            require(restoredEntries == counts.get("journal_journalentry"), "the restored journal export lost entries");
            detail("The restored journal export holds " + restoredEntries + " entries, as many as the database has rows.");

            database(backups, result.id(), pg, db, counts, work);

            say("Tampering test: one byte of the stored file archive is flipped...");
            String appFile = result.manifest().detail().artifacts().stream().filter(a -> a.source().equals("app")).findFirst()
                    .orElseThrow().file();
            StoredArtifact stored = result.manifest().stored(appFile);
            Path file = repository.pathOf(result.id(), stored.file());
            flipByte(file, stored.storedSize() / 2);
            VerificationRecord tampered = backups.verify(result.id());
            require(!tampered.passed(), "verify missed a flipped byte");
            detail("verify: " + tampered.problems().get(0));
            try {
                backups.restore(result.id()).toDirectory(work.resolve("restored-again")).plan().execute();
                require(false, "a tampered archive was restored");
            } catch (BackupException refused) {
                detail("restore: refused (" + refused.getMessage() + ")");
            }
            flipByte(file, stored.storedSize() / 2);
            require(backups.verify(result.id()).passed(), "the repaired archive does not verify");
            detail("The byte is put back and the backup verifies again.");

            retention(backups, result.id());

            say("The audit journal records every operation, each line chained to the previous by SHA-256:");
            var journal = repository.journal().verify();
            detail(journal.lines() + " lines, chain " + (journal.intact() ? "intact" : "BROKEN: " + journal.problem()) + ".");
            require(journal.intact(), "the audit journal chain is broken");

            encrypted(work, original);
        }
    }

    /** Retention: a pin, two more backups, and a prune that keeps the newest of each group and says why. */
    private void retention(BackupSystem backups, io.wlj.backup.BackupId first) {
        say("Retention: the first backup is pinned, two nightly backups follow, and a prune keeps the last backup of each group...");
        backups.pin(first, "the demo's first backup");
        io.wlj.backup.BackupId middle = backups.backup(Map.of("trigger", "nightly"), io.wlj.backup.ProgressMonitor.NONE).id();
        io.wlj.backup.BackupId newest = backups.backup(Map.of("trigger", "nightly"), io.wlj.backup.ProgressMonitor.NONE).id();
        io.wlj.backup.retention.KeepPolicy policy = io.wlj.backup.retention.KeepPolicy.keep().last(1);
        io.wlj.backup.retention.PruneResult plan = backups.prune(policy).dryRun(true).call();
        plan.keep().forEach(e -> detail("keep    " + e.id() + "  " + e.group() + "  " + String.join(", ", e.reasons())));
        plan.forget().forEach(e -> detail("forget  " + e.id() + "  " + e.group()));
        io.wlj.backup.retention.PruneResult done = backups.prune(policy).call();
        java.util.List<io.wlj.backup.BackupId> left = backups.list().stream().map(ManifestHeader::id).toList();
        require(left.contains(first) && left.contains(newest) && !left.contains(middle), "prune did not keep what its plan said");
        require(done.forget().size() == plan.forget().size(), "prune forgot other backups than its plan listed");
        detail(done.forget().size() + " backup(s) forgotten, each unsealed before its files were removed; "
                + left.size() + " left. Nothing was deleted before everything had been read.");
    }

    /** The database part: a disaster in the live database, a restore into a new one, and the SQL escape hatch. */
    private void database(BackupSystem backups, io.wlj.backup.BackupId id, EmbeddedPostgres pg, Connection db, Map<String, Long> counts,
                          Path work) throws Exception {
        say("Disaster strikes the database too: the journal table is emptied.");
        try (java.sql.Statement st = db.createStatement()) {
            st.execute("TRUNCATE journal_journalentry CASCADE");
        }
        detail("journal_journalentry now has " + scalar(db, "SELECT count(*) FROM journal_journalentry") + " rows.");
        PostgresTarget target = PostgresTarget.newDatabase(PostgresDatabase.url(pg.getJdbcUrl("postgres", "wlj_restored")));
        RestorePlan plan = backups.restore(id).to(target).plan();
        say("The database restore plan, printed before anything is touched:");
        plan.describe().lines().forEach(this::detail);
        say("Restoring the database into the new database wlj_restored (schema, parallel COPY with row counts checked, indexes, constraints)...");
        RestoreReport report = plan.execute();
        detail("Restored in " + report.duration().toMillis() + " ms: " + report.steps().stream().map(RestoreReport.Step::detail).toList());
        try (Connection restored = java.sql.DriverManager.getConnection(pg.getJdbcUrl("postgres", "wlj_restored"))) {
            for (Map.Entry<String, Long> e : counts.entrySet()) {
                long n = Long.parseLong(scalar(restored, "SELECT count(*) FROM " + e.getKey()));
                require(n == e.getValue(), "table " + e.getKey() + " has " + n + " rows after the restore instead of " + e.getValue());
            }
        }
        detail("Every table of wlj_restored has the rows the database had at backup time, journal entries included ("
                + counts.get("journal_journalentry") + ").");

        PostgresDatabase live = PostgresDatabase.url(pg.getJdbcUrl("postgres", "postgres"));
        RestorePlan tablePlan = backups.restore(id).to(PostgresTarget.tables(live, "journal_journalentry")).plan();
        say("Now the live database itself: only the emptied table is put back, in one transaction. The plan:");
        tablePlan.describe().lines().forEach(this::detail);
        RestoreReport tableReport = tablePlan.execute();
        long back = Long.parseLong(scalar(db, "SELECT count(*) FROM journal_journalentry"));
        require(back == counts.get("journal_journalentry"), "the journal table has " + back + " rows after the table restore");
        detail("journal_journalentry has its " + back + " rows again; gates " + tableReport.gates().stream()
                .map(g -> g.gate() + "=" + g.status()).toList() + "; the state before was sealed as safety backup "
                + tableReport.safetyBackup().map(Object::toString).orElse("?") + ".");

        say("A smaller accident: someone deletes one day of journal entries (2025-03-14).");
        try (java.sql.Statement st = db.createStatement()) {
            st.execute("DELETE FROM journal_journalentry WHERE entry_date = '2025-03-14'");
        }
        RestorePlan rowPlan = backups.restore(id).to(PostgresTarget.tables(live)
                .where("journal_journalentry", "entry_date = '2025-03-14'").withParents(true)).plan();
        say("Restoring just those rows, merged into the live table (existing rows kept, missing parents restored too):");
        RestoreReport rowReport = rowPlan.execute();
        back = Long.parseLong(scalar(db, "SELECT count(*) FROM journal_journalentry"));
        require(back == counts.get("journal_journalentry"), "the journal table has " + back + " rows after the row restore");
        for (RestoreReport.TableResult t : rowReport.tables()) {
            detail(t.table() + ": " + t.rows() + " row(s) selected from the backup, " + t.inserted() + " inserted, " + t.skipped()
                    + " already there.");
        }
        Path sql = work.resolve("wlj-db.sql");
        try (java.io.OutputStream o = Files.newOutputStream(sql)) {
            backups.restore(id).to(SqlScriptTarget.to(o)).plan().execute();
        }
        say("Exported the database backup as one plain SQL script, restorable by psql alone:");
        detail(sql + " (" + Sizes.human(Files.size(sql)) + "): psql -X -v ON_ERROR_STOP=1 -d EMPTY_DB -f " + sql.getFileName());
    }

    /** The same files into a passphrase-encrypted, signed repository: what a keyless host sees, and a restore with the key. */
    private void encrypted(Path work, Map<String, String> original) throws IOException {
        say("Encryption: the same files into a repository protected by a passphrase (OpenPGP, AES-256, gpg reads it)...");
        PassphraseSource passphrase = PassphraseSource.of(() -> "demo passphrase, never on a command line".toCharArray());
        Path source = work.resolve("restored"); // the repaired copy of the app's files
        FileSystemRepository vault = FileSystemRepository.builder(work.resolve("repo-encrypted"))
                .protectedBy(OpenPgp.passphrase(passphrase)).requireSignaturesBy(OpenPgp.newPassphraseSignerId()).init();
        BackupSystem keyed = BackupSystem.configure().repository(vault)
                .source(FileTreeSource.of("app", source.resolve("data"), source.resolve("media")))
                .stage(OpenPgp.passphrase(passphrase))
                .signer(OpenPgp.passphraseSigner(passphrase, vault.config().signingKey()))
                .build();
        BackupResult result = keyed.backup();
        detail("Backup " + result.id() + " sealed; stored files: " + result.manifest().header().artifacts().stream()
                .map(StoredArtifact::file).toList() + ", the manifest signed with a key derived from the passphrase.");
        BackupSystem keyless = BackupSystem.configure().repository(FileSystemRepository.at(vault.root())).build();
        detail("Without the passphrase a monitoring host sees sizes and checksums (" + Sizes.human(keyless.header(result.id()).storedBytes())
                + ") and verifies them: " + (keyless.verify(result.id()).passed() ? "intact" : "FAILED") + "; file names and contents stay private.");
        try {
            keyless.show(result.id());
            require(false, "an encrypted manifest was readable without the key");
        } catch (BackupException expected) {
            detail("Reading its contents without the key: refused (" + expected.getMessage() + ")");
        }
        Path restored = work.resolve("restored-encrypted");
        keyed.restore(result.id()).toDirectory(restored).plan().execute();
        require(describe(restored).equals(original), "the encrypted backup restored different files");
        detail("Restored with the passphrase: all " + original.size() + " files identical to the original.");
    }

    private void createSample(Connection db) throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute("CREATE TABLE users_user (id bigserial PRIMARY KEY, username text UNIQUE NOT NULL, email text NOT NULL, "
                    + "date_joined timestamptz NOT NULL DEFAULT now())");
            s.execute("CREATE TABLE ai_coachingstyle (id smallint PRIMARY KEY, name text UNIQUE NOT NULL, description text NOT NULL)");
            s.execute("CREATE TABLE journal_journalentry (id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users_user(id) ON DELETE CASCADE, "
                    + "entry_date date NOT NULL, title text NOT NULL, body text NOT NULL, mood smallint CHECK (mood BETWEEN 1 AND 5))");
            s.execute("CREATE TABLE faith_faithentry (id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users_user(id), "
                    + "entry_date date NOT NULL, scripture text, reflection text NOT NULL)");
            s.execute("CREATE TABLE health_healthmetric (id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users_user(id), "
                    + "recorded_at timestamptz NOT NULL, kind text NOT NULL, value numeric(8,2) NOT NULL)");
            s.execute("CREATE TABLE life_lifegoal (id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users_user(id), "
                    + "title text NOT NULL, due date, done boolean NOT NULL DEFAULT false)");
            s.execute("CREATE TABLE purpose_purposestatement (id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users_user(id), "
                    + "statement text NOT NULL, coaching_style_id smallint REFERENCES ai_coachingstyle(id))");
            s.execute("INSERT INTO ai_coachingstyle VALUES (1,'gentle','Encouraging and patient'),(2,'direct','Straight to the point'),"
                    + "(3,'socratic','Asks questions'),(4,'motivational','Energising'),(5,'analytical','Data first'),"
                    + "(6,'spiritual','Faith-centred'),(7,'playful','Light-hearted')");
            s.execute("INSERT INTO users_user (username, email, date_joined) SELECT 'user' || g, 'user' || g || '@example.org', "
                    + "timestamptz '2024-01-01' + g * interval '1 hour' FROM generate_series(1, " + users + ") g");
            s.execute("INSERT INTO journal_journalentry (user_id, entry_date, title, body, mood) SELECT 1 + g % " + users + ", "
                    + "date '2025-01-01' + (g % 365), 'Day ' || g, repeat('Today I was grateful for ' || md5(g::text) || '. ', 1 + g % 7), 1 + g % 5 "
                    + "FROM generate_series(1, " + (users * 25) + ") g");
            s.execute("INSERT INTO faith_faithentry (user_id, entry_date, scripture, reflection) SELECT 1 + g % " + users + ", "
                    + "date '2025-01-01' + (g % 365), 'Psalm ' || (1 + g % 150), 'Reflection ' || md5(g::text) FROM generate_series(1, " + (users * 5) + ") g");
            s.execute("INSERT INTO health_healthmetric (user_id, recorded_at, kind, value) SELECT 1 + g % " + users + ", "
                    + "timestamptz '2025-01-01' + g * interval '17 minutes', (ARRAY['steps','sleep_hours','weight_kg'])[1 + g % 3], "
                    + "round((random() * 100)::numeric, 2) FROM generate_series(1, " + (users * 20) + ") g");
            s.execute("INSERT INTO life_lifegoal (user_id, title, due, done) SELECT 1 + g % " + users + ", 'Goal ' || g, "
                    + "date '2026-01-01' + g, g % 3 = 0 FROM generate_series(1, " + (users * 3) + ") g");
            s.execute("INSERT INTO purpose_purposestatement (user_id, statement, coaching_style_id) SELECT g, 'To serve and grow, '"
                    + " || md5(g::text), 1 + g % 7 FROM generate_series(1, " + users + ") g");
        }
    }

    /** Streams each table as JSON lines, never holding a table in memory. */
    private static void exportJson(Connection db, Path dataDir) throws SQLException, IOException {
        boolean auto = db.getAutoCommit();
        db.setAutoCommit(false); // a cursor, so rows stream in batches
        try {
            for (String table : TABLES) {
                try (Statement s = db.createStatement();
                     BufferedWriter w = Files.newBufferedWriter(dataDir.resolve(table + ".jsonl"), StandardCharsets.UTF_8)) {
                    s.setFetchSize(1000);
                    try (ResultSet rs = s.executeQuery("SELECT row_to_json(t)::text FROM " + table + " t ORDER BY id")) {
                        while (rs.next()) {
                            w.write(rs.getString(1));
                            w.newLine();
                        }
                    }
                }
            }
            db.commit();
        } finally {
            db.setAutoCommit(auto);
        }
    }

    private static void writeMedia(Path media) throws IOException {
        Random random = new Random(42);
        for (int i = 1; i <= 12; i++) {
            byte[] photo = new byte[40_000 + random.nextInt(80_000)];
            random.nextBytes(photo);
            Files.write(media.resolve(String.format("photo-%03d.jpg", i)), photo);
        }
        Files.createDirectories(media.resolve("voice-notes"));
        Files.writeString(media.resolve("README.txt"), "Uploads of the Whole Life Journey sample app.\n");
        Files.createSymbolicLink(media.resolve("latest.jpg"), Path.of("photo-012.jpg"));
    }

    /** Relative path -> type, permissions, modification time, SHA-256 (or link target). */
    private static Map<String, String> describe(Path root) throws IOException {
        Map<String, String> result = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.toList()) {
                String rel = root.relativize(p).toString();
                if (rel.isEmpty()) {
                    continue; // the container directory itself is not part of the backup
                }
                if (Files.isSymbolicLink(p)) {
                    result.put(rel, "link " + Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p)) {
                    result.put(rel, "dir " + Files.getPosixFilePermissions(p));
                } else {
                    result.put(rel, "file " + Files.getPosixFilePermissions(p) + " " + Files.getLastModifiedTime(p).toMillis() + " "
                            + Sha256.of(Files.readAllBytes(p)));
                }
            }
        }
        return result;
    }

    private static String scalar(Connection db, String sql) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void flipByte(Path file, long offset) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ 0xff);
        }
    }

    private static void require(boolean condition, String what) {
        if (!condition) {
            throw new BackupException(io.wlj.backup.ErrorCode.GATE_FAILED, "Demo check failed: " + what + ".");
        }
    }

    private void say(String text) {
        out.println(++step + ". " + text);
        out.flush();
    }

    private void detail(String text) {
        out.println("   " + text);
        out.flush();
    }
}
