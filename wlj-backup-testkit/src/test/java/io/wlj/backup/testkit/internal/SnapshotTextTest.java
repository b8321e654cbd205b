package io.wlj.backup.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotTextTest {
    private static final List<String> SECTIONS = List.of("tables", "indexes");

    private static SnapshotText of(SnapshotText.Entry... entries) {
        return new SnapshotText(SECTIONS, List.of(entries));
    }

    @Test
    void sortsEntriesWhateverOrderTheyCameIn() {
        SnapshotText text = of(
                new SnapshotText.Entry("tables", "b", "table b"),
                new SnapshotText.Entry("indexes", "i", "index i"),
                new SnapshotText.Entry("tables", "a", "table a\n  column x"));

        assertThat(text.text()).isEqualTo("== tables (2)\ntable a\n  column x\ntable b\n== indexes (1)\nindex i\n");
        assertThat(text).isEqualTo(of(
                new SnapshotText.Entry("indexes", "i", "index i"),
                new SnapshotText.Entry("tables", "a", "table a\n  column x"),
                new SnapshotText.Entry("tables", "b", "table b")));
    }

    @Test
    void diffNamesChangedMissingAndExtraEntries() {
        SnapshotText before = of(
                new SnapshotText.Entry("tables", "a", "table a\n  column x int\n  column y text"),
                new SnapshotText.Entry("tables", "gone", "table gone"),
                new SnapshotText.Entry("indexes", "same", "index same"));
        SnapshotText after = of(
                new SnapshotText.Entry("tables", "a", "table a\n  column x bigint\n  column y text"),
                new SnapshotText.Entry("indexes", "new", "index new"),
                new SnapshotText.Entry("indexes", "same", "index same"));

        assertThat(before.diff(after)).isEqualTo(String.join("\n",
                "@@ tables: a",
                "  table a",
                "+   column x bigint",
                "-   column x int",
                "    column y text",
                "@@ tables: gone",
                "- table gone",
                "@@ indexes: new",
                "+ index new",
                ""));
        assertThat(before.diff(before)).isEmpty();
    }
}
