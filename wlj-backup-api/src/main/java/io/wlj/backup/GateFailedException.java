package io.wlj.backup;

import java.util.List;
import java.util.stream.Collectors;

/** One or more validation gates failed; the operation was halted. */
public class GateFailedException extends BackupException {
    private final List<GateResult> results;

    public GateFailedException(List<GateResult> results, List<GateResult> failures) {
        super(ErrorCode.GATE_FAILED, "Validation gate" + (failures.size() > 1 ? "s " : " ")
                + failures.stream().map(f -> "'" + f.gate() + "' (" + f.evidence() + ")").collect(Collectors.joining(", "))
                + " failed at " + failures.get(0).stage() + "; the operation was halted.");
        this.results = List.copyOf(results);
    }

    /** Every gate result of the stage, passed and failed. */
    public List<GateResult> results() {
        return results;
    }
}
