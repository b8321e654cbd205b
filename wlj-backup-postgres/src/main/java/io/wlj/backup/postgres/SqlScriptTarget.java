package io.wlj.backup.postgres;

import io.wlj.backup.RestorePlan;
import io.wlj.backup.postgres.internal.SqlScriptPlan;
import io.wlj.backup.spi.RestoreContext;
import io.wlj.backup.spi.RestoreTarget;
import java.io.OutputStream;
import java.util.Objects;

/**
 * A PostgreSQL backup exported as one plain SQL script, the escape hatch that needs nothing but
 * {@code psql}: {@code psql -X -v ON_ERROR_STOP=1 -d EMPTY_DB -f script.sql} restores it.
 * The stream is not closed.
 */
public final class SqlScriptTarget implements RestoreTarget {
    private final OutputStream out;
    private final String source;

    private SqlScriptTarget(OutputStream out, String source) {
        this.out = out;
        this.source = source;
    }

    public static SqlScriptTarget to(OutputStream out) {
        return new SqlScriptTarget(Objects.requireNonNull(out, "out"), null);
    }

    /** Which PostgreSQL source of the backup to export, when it has several. */
    public SqlScriptTarget source(String name) {
        return new SqlScriptTarget(out, Objects.requireNonNull(name, "name"));
    }

    @Override
    public RestorePlan plan(RestoreContext context) {
        return new SqlScriptPlan(context, source, out);
    }
}
