package io.wlj.backup.retention;

import io.wlj.backup.BackupException;
import io.wlj.backup.repository.ManifestHeader;
import java.util.ArrayList;
import java.util.List;

/**
 * How backups are divided into groups before a policy is applied to each, as restic's
 * {@code --group-by} does: by the set of sources, by the {@code group} label, by any label, or
 * not at all. The default is {@code sources,group}, so that a policy never weighs a database
 * backup against a files-only one. ({@link PrunePlan} keeps restores' safety backups in groups
 * of their own whatever the grouping.) Immutable.
 */
public final class GroupBy {
    private final List<String> keys;

    private GroupBy(List<String> keys) {
        this.keys = List.copyOf(keys);
    }

    /** The default: the set of sources and the {@code group} label. */
    public static GroupBy standard() {
        return new GroupBy(List.of("sources", "group"));
    }

    /** One group for the whole repository (safety backups still apart). */
    public static GroupBy none() {
        return new GroupBy(List.of());
    }

    /**
     * Parses a comma-separated list of {@code sources}, {@code group} and {@code label:NAME};
     * an empty string means no grouping.
     */
    public static GroupBy parse(String spec) {
        List<String> keys = new ArrayList<>();
        for (String raw : spec.split(",")) {
            String k = raw.trim();
            if (k.isEmpty()) {
                continue;
            }
            if (!k.equals("sources") && !k.equals("group") && !k.matches("label:[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
                throw BackupException.badInput("Cannot group by '" + k + "'; use sources, group or label:NAME, comma-separated.");
            }
            if (keys.contains(k)) {
                throw BackupException.badInput("'" + k + "' is given twice in the grouping.");
            }
            keys.add(k);
        }
        return new GroupBy(keys);
    }

    /** The group a backup belongs to, as shown to users, for example {@code sources=app-db group=nightly}. */
    public String keyOf(ManifestHeader h) {
        List<String> parts = new ArrayList<>();
        for (String k : keys) {
            switch (k) {
                case "sources" -> parts.add("sources=" + (h.sources().isEmpty() ? "?" : String.join("+", new java.util.TreeSet<>(h.sources()))));
                case "group" -> parts.add("group=" + h.labels().getOrDefault("group", "-"));
                default -> {
                    String label = k.substring("label:".length());
                    parts.add(label + "=" + h.labels().getOrDefault(label, "-"));
                }
            }
        }
        return parts.isEmpty() ? "all" : String.join(" ", parts);
    }

    @Override
    public String toString() {
        return keys.isEmpty() ? "none" : String.join(",", keys);
    }
}
