package io.wlj.backup.postgres.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Orders schema objects so that each comes after what it depends on (edges from pg_depend),
 * breaking ties by kind priority, then schema and name, so the order is stable from run to run.
 * A cycle is broken at its lowest-priority member, and reported.
 */
final class DependencyOrder {
    private static final Comparator<SchemaObject> TIE = Comparator.<SchemaObject>comparingInt(o -> o.section.ordinal())
            .thenComparingInt(o -> o.priority).thenComparing(o -> o.schema == null ? "" : o.schema)
            .thenComparing(o -> o.name == null ? "" : o.name).thenComparing(o -> o.key);

    private DependencyOrder() {
    }

    static List<SchemaObject> sort(Collection<SchemaObject> objects, List<String> cyclesBroken) {
        Map<String, SchemaObject> byKey = new HashMap<>();
        for (SchemaObject o : objects) {
            byKey.put(o.key, o);
        }
        Map<String, Integer> waiting = new HashMap<>();
        Map<String, List<SchemaObject>> dependents = new HashMap<>();
        for (SchemaObject o : objects) {
            int n = 0;
            for (String d : o.dependsOn) {
                if (!d.equals(o.key) && byKey.containsKey(d)) {
                    n++;
                    dependents.computeIfAbsent(d, k -> new ArrayList<>()).add(o);
                }
            }
            waiting.put(o.key, n);
        }
        PriorityQueue<SchemaObject> ready = new PriorityQueue<>(TIE);
        PriorityQueue<SchemaObject> blocked = new PriorityQueue<>(TIE);
        for (SchemaObject o : objects) {
            (waiting.get(o.key) == 0 ? ready : blocked).add(o);
        }
        List<SchemaObject> out = new ArrayList<>(objects.size());
        java.util.Set<String> emitted = new java.util.HashSet<>();
        while (out.size() < objects.size()) {
            SchemaObject next = ready.poll();
            if (next == null) {
                // Only cycles remain: take the first blocked object in tie order.
                while (emitted.contains(blocked.peek().key)) {
                    blocked.poll();
                }
                next = blocked.poll();
                cyclesBroken.add(next.kind + " " + qualified(next));
            }
            if (!emitted.add(next.key)) {
                continue;
            }
            out.add(next);
            for (SchemaObject d : dependents.getOrDefault(next.key, List.of())) {
                int left = waiting.merge(d.key, -1, Integer::sum);
                if (left == 0 && !emitted.contains(d.key)) {
                    ready.add(d);
                }
            }
        }
        return out;
    }

    private static String qualified(SchemaObject o) {
        return o.schema == null ? o.name : o.schema + "." + o.name;
    }
}
