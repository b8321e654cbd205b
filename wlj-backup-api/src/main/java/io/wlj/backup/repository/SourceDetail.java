package io.wlj.backup.repository;

import java.util.List;
import java.util.Map;

/**
 * What a source recorded about itself in a backup.
 *
 * @param name     source name
 * @param type     source kind, for example {@code files}
 * @param metadata values the source recorded (counts, versions, roots)
 * @param warnings warnings the source raised
 */
public record SourceDetail(String name, String type, Map<String, Object> metadata, List<String> warnings) {
    public SourceDetail {
        metadata = metadata == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metadata));
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }
}
