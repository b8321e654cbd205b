package io.wlj.backup;

import java.util.Objects;

/**
 * The outcome of one validation gate.
 *
 * @param gate     the gate's name
 * @param stage    when it ran
 * @param status   PASS, WARN or FAIL
 * @param evidence what was measured, in words a user understands
 */
public record GateResult(String gate, Stage stage, Status status, String evidence) {

    public enum Status { PASS, WARN, FAIL }

    public GateResult {
        Objects.requireNonNull(gate, "gate");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(status, "status");
        evidence = evidence == null ? "" : evidence;
    }

    public boolean failed() {
        return status == Status.FAIL;
    }
}
