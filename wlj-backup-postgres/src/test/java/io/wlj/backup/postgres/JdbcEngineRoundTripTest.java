package io.wlj.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.wlj.backup.BackupResult;
import io.wlj.backup.BackupSystem;
import io.wlj.backup.RestoreReport;
import io.wlj.backup.repository.FileSystemRepository;
import io.wlj.backup.testkit.PostgresServer;
import io.wlj.backup.testkit.TestDatabase;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbcEngineRoundTripTest {
    @TempDir
    Path tmp;

    static PostgresDatabase db(TestDatabase t) {
        return PostgresDatabase.url(t.jdbcUrl()).user(t.user()).password(() -> t.password().toCharArray());
    }

    static void load(TestDatabase t, String resource) throws Exception {
        String sql = new String(JdbcEngineRoundTripTest.class.getResourceAsStream(resource).readAllBytes(), StandardCharsets.UTF_8);
        java.util.Properties props = new java.util.Properties();
        props.setProperty("user", t.user());
        props.setProperty("password", t.password());
        props.setProperty("preferQueryMode", "simple");
        try (Connection c = java.sql.DriverManager.getConnection(t.jdbcUrl(), props); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Test
    void aFullBackupRestoresIntoANewDatabaseAndExportsAsAPsqlScript() throws Exception {
        PostgresServer server = PostgresServer.shared();
        TestDatabase source = server.createDatabase(server.uniqueDatabaseName("rt_src"));
        load(source, "roundtrip.sql");
        BackupSystem system = BackupSystem.configure().repository(FileSystemRepository.init(tmp.resolve("repo")))
                .source(PostgresSource.builder(db(source)).build()).build();
        BackupResult result = system.backup();
        assertThat(result.warnings()).isEmpty();

        TestDatabase copy = server.database(server.uniqueDatabaseName("rt_copy"));
        RestoreReport report = system.restore(result.id()).to(PostgresTarget.newDatabase(db(copy))).plan().execute();
        assertThat(report.steps()).isNotEmpty();
        assertThat(Oracle.schema(copy)).isEqualTo(Oracle.schema(source));
        assertThat(Oracle.data(copy)).isEqualTo(Oracle.data(source));

        Path script = tmp.resolve("export.sql");
        try (OutputStream out = Files.newOutputStream(script)) {
            system.restore(result.id()).to(SqlScriptTarget.to(out)).plan().execute();
        }
        TestDatabase viaPsql = server.createDatabase(server.uniqueDatabaseName("rt_psql"));
        Oracle.psql(viaPsql, script);
        assertThat(Oracle.schema(viaPsql)).isEqualTo(Oracle.schema(source));
        assertThat(Oracle.data(viaPsql)).isEqualTo(Oracle.data(source));
    }
}
