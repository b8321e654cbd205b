package io.wlj.backup.postgres.internal;

import io.wlj.backup.BackupException;
import io.wlj.backup.postgres.PostgresSource;
import io.wlj.backup.repository.ArtifactDetail;
import io.wlj.backup.repository.SourceDetail;
import io.wlj.backup.spi.RestoreContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A JDBC-engine backup of one PostgreSQL source inside a backup: its table of contents and artifacts. */
public final class StoredDump {
    private final RestoreContext context;
    private final String source;
    private final Toc toc;
    private final Map<String, ArtifactDetail> artifacts = new LinkedHashMap<>();

    private StoredDump(RestoreContext context, String source, Toc toc, List<ArtifactDetail> details) {
        this.context = context;
        this.source = source;
        this.toc = toc;
        details.forEach(a -> artifacts.put(a.name(), a));
    }

    /** Finds the PostgreSQL source ({@code name}, or the only one) and reads its table of contents. */
    public static StoredDump open(RestoreContext context, String name) {
        List<SourceDetail> pg = context.manifest().requireDetail().sources().stream()
                .filter(s -> PostgresSource.TYPE.equals(s.type())).filter(s -> name == null || s.name().equals(name)).toList();
        if (pg.isEmpty()) {
            throw BackupException.badInput("Backup " + context.manifest().id() + " holds no PostgreSQL source"
                    + (name == null ? "" : " named '" + name + "'") + ".");
        }
        if (pg.size() > 1) {
            throw BackupException.badInput("Backup " + context.manifest().id() + " holds several PostgreSQL sources "
                    + pg.stream().map(SourceDetail::name).toList() + "; name the one to restore.");
        }
        String sourceName = pg.get(0).name();
        List<ArtifactDetail> details = context.artifacts(sourceName);
        ArtifactDetail tocArtifact = details.stream().filter(a -> a.name().equals(Toc.ARTIFACT)).findFirst().orElseThrow(() ->
                BackupException.badInput("The PostgreSQL source '" + sourceName + "' of backup " + context.manifest().id()
                        + " was not taken by the JDBC engine (it has no table of contents); restore its pg_dump archive with pg_restore."));
        try (InputStream in = context.open(tocArtifact)) {
            Toc toc = TocJson.read(in);
            in.transferTo(OutputStream.nullOutputStream()); // to the end, where the checksums are proven
            return new StoredDump(context, sourceName, toc, details);
        } catch (IOException e) {
            throw new io.wlj.backup.IntegrityException(tocArtifact.file(), "The table of contents of backup " + context.manifest().id()
                    + " cannot be read: " + e.getMessage() + ".");
        }
    }

    public String source() {
        return source;
    }

    public Toc toc() {
        return toc;
    }

    /** The artifact with logical name {@code name}; a missing one means the manifest and table of contents disagree. */
    public ArtifactDetail artifact(String name) {
        ArtifactDetail a = artifacts.get(name);
        if (a == null) {
            throw new io.wlj.backup.IntegrityException(name, "Backup " + context.manifest().id() + " lists no artifact '" + name
                    + "' although its table of contents refers to it.");
        }
        return a;
    }

    /** Data artifacts in writing order, each with its tables in order. */
    public Map<String, List<Toc.TableData>> dataByArtifact() {
        Map<String, List<Toc.TableData>> by = new LinkedHashMap<>();
        for (Toc.TableData t : toc.tables()) {
            by.computeIfAbsent(t.artifact(), k -> new java.util.ArrayList<>()).add(t);
        }
        return by;
    }

    public InputStream open(String artifactName) throws IOException {
        return context.open(artifact(artifactName));
    }
}
