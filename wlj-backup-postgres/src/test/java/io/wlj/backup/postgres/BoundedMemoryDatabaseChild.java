package io.wlj.backup.postgres;

import io.wlj.backup.BackupResult;
import io.wlj.backup.BackupSystem;
import io.wlj.backup.repository.FileSystemRepository;
import java.nio.file.Path;

/** Runs in a child JVM with a small heap: back up a database, restore it into a new one. */
public final class BoundedMemoryDatabaseChild {
    private BoundedMemoryDatabaseChild() {
    }

    public static void main(String[] args) {
        PostgresDatabase source = PostgresDatabase.url(args[1]).user(args[3]).passwordFromEnv("CHILD_DB_PASSWORD");
        PostgresDatabase target = PostgresDatabase.url(args[2]).user(args[3]).passwordFromEnv("CHILD_DB_PASSWORD");
        BackupSystem system = BackupSystem.configure().repository(FileSystemRepository.init(Path.of(args[0])))
                .source(PostgresSource.builder(source).jobs(2).build()).build();
        BackupResult result = system.backup();
        system.restore(result.id()).to(PostgresTarget.newDatabase(target)).plan().execute();
        System.out.println("OK " + result.plainBytes() + " " + Runtime.getRuntime().maxMemory());
    }
}
