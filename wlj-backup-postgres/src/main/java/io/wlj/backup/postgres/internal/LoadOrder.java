package io.wlj.backup.postgres.internal;

import io.wlj.backup.BackupException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The order in which rows go into a live database whose foreign keys are in place: parents
 * before children (a topological sort of the target's foreign keys, ties broken by name).
 * Deferrable foreign keys do not constrain the order, because the restore defers them to the
 * end of its transaction; a self-reference needs nothing, because each table's rows go in with
 * one statement. A cycle made only of non-deferrable keys cannot be loaded and is an error that
 * names it.
 */
final class LoadOrder {
    private LoadOrder() {
    }

    /** {@code tables} (target names) in load order; delete in the reverse order. */
    static List<String> of(Collection<String> tables, TargetCatalog catalog) {
        Map<String, List<String>> byRoot = new TreeMap<>();
        for (String t : tables) {
            byRoot.computeIfAbsent(catalog.root(t), k -> new ArrayList<>()).add(t);
        }
        Map<String, Set<String>> parents = new HashMap<>();
        Map<String, List<TargetCatalog.ForeignKey>> edges = new HashMap<>();
        for (TargetCatalog.ForeignKey fk : catalog.foreignKeys) {
            String child = catalog.root(fk.child());
            String parent = catalog.root(fk.parent());
            if (fk.deferrable() || child.equals(parent) || !byRoot.containsKey(child) || !byRoot.containsKey(parent)) {
                continue;
            }
            parents.computeIfAbsent(child, k -> new TreeSet<>()).add(parent);
            edges.computeIfAbsent(child, k -> new ArrayList<>()).add(fk);
        }
        List<String> order = new ArrayList<>();
        Set<String> placed = new LinkedHashSet<>();
        TreeSet<String> remaining = new TreeSet<>(byRoot.keySet());
        while (!remaining.isEmpty()) {
            String next = null;
            for (String r : remaining) {
                if (placed.containsAll(parents.getOrDefault(r, Set.of()))) {
                    next = r;
                    break;
                }
            }
            if (next == null) {
                throw BackupException.badInput("The target's foreign keys form a cycle that no load order satisfies: "
                        + describeCycle(remaining, parents, edges) + ". Make one of these constraints DEFERRABLE "
                        + "(ALTER TABLE ... ALTER CONSTRAINT ... DEFERRABLE), or restore into a new database.");
            }
            remaining.remove(next);
            placed.add(next);
            List<String> members = byRoot.get(next);
            members.sort(null);
            order.addAll(members);
        }
        return order;
    }

    /** Follows parent links among the unplaced tables until one repeats: that is a cycle. */
    private static String describeCycle(Set<String> remaining, Map<String, Set<String>> parents,
                                        Map<String, List<TargetCatalog.ForeignKey>> edges) {
        List<String> path = new ArrayList<>();
        String at = remaining.iterator().next();
        while (!path.contains(at)) {
            path.add(at);
            String from = at;
            at = parents.get(from).stream().filter(remaining::contains).findFirst().orElseThrow();
        }
        List<String> cycle = path.subList(path.indexOf(at), path.size());
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < cycle.size(); i++) {
            String child = cycle.get(i);
            String parent = cycle.get((i + 1) % cycle.size());
            edges.get(child).stream().filter(fk -> fk.parent().equals(parent) || parent.equals(fk.parent()))
                    .findFirst().ifPresent(fk -> keys.add(fk.describe()));
        }
        return String.join(" -> ", cycle) + " -> " + cycle.get(0) + " (constraints " + String.join(", ", keys) + ")";
    }
}
