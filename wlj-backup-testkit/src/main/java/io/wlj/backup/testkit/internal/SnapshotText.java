package io.wlj.backup.testkit.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The text of a catalog or data snapshot: entries grouped by section, each a first line naming
 * an object and indented detail lines, sorted in Java (not by the database's collation) so the
 * order never depends on OIDs, locale or catalog order.
 *
 * <p>Diffs compare entries by section and key, then lines within a changed entry, which keeps
 * the work linear in the size of the snapshot and the output short: one header per changed
 * object, then its removed ({@code -}) and added ({@code +}) lines.
 */
public final class SnapshotText {
    /** One described object; {@code key} orders and matches entries, {@code body} is its text (one or more lines). */
    public record Entry(String section, String key, String body) {
        public Entry {
            Objects.requireNonNull(section, "section");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(body, "body");
        }
    }

    private static final Comparator<Entry> ORDER =
            Comparator.comparing(Entry::key).thenComparing(Entry::body);

    /** Section name to entries, sections in the order given, entries sorted. */
    private final Map<String, List<Entry>> sections;
    private final String text;

    /** @param sectionOrder every section, in the order the text shows them (empty ones included) */
    public SnapshotText(List<String> sectionOrder, List<Entry> entries) {
        Map<String, List<Entry>> grouped = new LinkedHashMap<>();
        for (String section : sectionOrder) {
            grouped.put(section, new ArrayList<>());
        }
        for (Entry entry : entries) {
            List<Entry> list = grouped.get(entry.section());
            if (list == null) {
                throw new IllegalArgumentException("Unknown section " + entry.section());
            }
            list.add(entry);
        }
        grouped.values().forEach(list -> list.sort(ORDER));
        grouped.replaceAll((section, list) -> Collections.unmodifiableList(list));
        this.sections = Collections.unmodifiableMap(grouped);
        StringBuilder builder = new StringBuilder();
        sections.forEach((section, list) -> {
            builder.append("== ").append(section).append(" (").append(list.size()).append(")\n");
            for (Entry entry : list) {
                builder.append(entry.body()).append('\n');
            }
        });
        this.text = builder.toString();
    }

    public String text() {
        return text;
    }

    /**
     * What turns {@code this} into {@code other}: for each entry only one side has, or whose
     * text differs, a header naming it and its lines prefixed with {@code -} (only here) and
     * {@code +} (only there). Empty when the texts are equal.
     */
    public String diff(SnapshotText other) {
        StringBuilder out = new StringBuilder();
        for (String section : union(sections.keySet(), other.sections.keySet())) {
            Map<String, List<Entry>> mine = byKey(sections.getOrDefault(section, List.of()));
            Map<String, List<Entry>> theirs = byKey(other.sections.getOrDefault(section, List.of()));
            for (String key : union(mine.keySet(), theirs.keySet()).stream().sorted().toList()) {
                List<String> before = lines(mine.getOrDefault(key, List.of()));
                List<String> after = lines(theirs.getOrDefault(key, List.of()));
                if (!before.equals(after)) {
                    out.append("@@ ").append(section).append(": ").append(key).append('\n');
                    appendLineDiff(before, after, out);
                }
            }
        }
        return out.toString();
    }

    private static List<String> union(Collection<String> first, Collection<String> second) {
        List<String> all = new ArrayList<>(first);
        second.stream().filter(item -> !first.contains(item)).forEach(all::add);
        return all;
    }

    private static Map<String, List<Entry>> byKey(List<Entry> entries) {
        Map<String, List<Entry>> map = new LinkedHashMap<>();
        for (Entry entry : entries) {
            map.computeIfAbsent(entry.key(), k -> new ArrayList<>()).add(entry);
        }
        return map;
    }

    private static List<String> lines(List<Entry> entries) {
        List<String> lines = new ArrayList<>();
        for (Entry entry : entries) {
            lines.addAll(List.of(entry.body().split("\n", -1)));
        }
        return lines;
    }

    /** Longest-common-subsequence diff; entries are a few dozen lines, so quadratic is fine. */
    private static void appendLineDiff(List<String> before, List<String> after, StringBuilder out) {
        int n = before.size();
        int m = after.size();
        int[][] common = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                common[i][j] = before.get(i).equals(after.get(j)) ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
            }
        }
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && before.get(i).equals(after.get(j))) {
                out.append("  ").append(before.get(i)).append('\n');
                i++;
                j++;
            } else if (j < m && (i == n || common[i][j + 1] >= common[i + 1][j])) {
                out.append("+ ").append(after.get(j)).append('\n');
                j++;
            } else {
                out.append("- ").append(before.get(i)).append('\n');
                i++;
            }
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SnapshotText that && text.equals(that.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
