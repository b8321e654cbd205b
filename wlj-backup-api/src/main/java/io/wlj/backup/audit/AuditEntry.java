package io.wlj.backup.audit;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One operation in the audit journal. Never holds secrets: callers pass ids, counts and
 * sentences, not credentials.
 *
 * @param operation what was done, for example {@code backup}
 * @param start     when it started
 * @param end       when it ended
 * @param outcome   {@code SUCCESS}, {@code FAILED} or {@code REFUSED}
 * @param steps     what was done, in order
 * @param warnings  anything worth a look
 * @param details   ids, counts and error codes
 * @param host      host that ran it
 * @param user      operating-system user that ran it
 */
public record AuditEntry(String operation, Instant start, Instant end, String outcome, List<String> steps,
                         List<String> warnings, Map<String, String> details, String host, String user) {
    public AuditEntry {
        steps = steps == null ? List.of() : List.copyOf(steps);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
        details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(details));
    }
}
