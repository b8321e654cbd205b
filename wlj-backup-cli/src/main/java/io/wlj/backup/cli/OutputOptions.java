package io.wlj.backup.cli;

import io.wlj.backup.ProgressMonitor;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/** {@code --json}, and whether a progress bar may be drawn. */
final class OutputOptions {
    @Option(names = "--json", description = "Print machine-readable JSON on standard output.")
    boolean json;

    /** A progress bar on stderr only when a person is watching a terminal and no JSON is asked for. */
    ProgressMonitor progress(PrintWriter err) {
        if (json || System.console() == null) {
            return ProgressMonitor.NONE;
        }
        return new ConsoleProgress(err);
    }
}
