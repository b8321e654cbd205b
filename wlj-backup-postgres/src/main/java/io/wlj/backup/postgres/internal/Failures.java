package io.wlj.backup.postgres.internal;

import java.sql.SQLException;

/** Turns driver exceptions into one readable clause, without connection strings or secrets. */
final class Failures {
    private Failures() {
    }

    static String describe(SQLException e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        int nl = msg.indexOf('\n');
        if (nl > 0) {
            msg = msg.substring(0, nl);
        }
        if (msg.startsWith("ERROR: ")) {
            msg = msg.substring(7);
        }
        while (msg.endsWith(".")) {
            msg = msg.substring(0, msg.length() - 1);
        }
        return msg;
    }
}
