package io.wlj.backup.spi;

import io.wlj.backup.GateResult;

/**
 * A check that must hold for an operation to count as good. A FAIL halts the operation:
 * a backup is not sealed, a restore is rolled back. Gates must not modify anything.
 */
public interface ValidationGate {

    /** Short name shown in results, for example {@code checksums}. */
    String name();

    /** Evaluates the gate. Throwing counts as FAIL with the exception's message as evidence. */
    GateResult evaluate(GateContext context);
}
