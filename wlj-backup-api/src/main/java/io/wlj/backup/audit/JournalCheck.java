package io.wlj.backup.audit;

import java.util.OptionalLong;

/**
 * The result of checking the journal's hash chain.
 *
 * @param lines           how many lines were read
 * @param firstBrokenLine the 1-based number of the first line whose chain link does not match, if any
 * @param problem         what is wrong with that line, or empty
 */
public record JournalCheck(long lines, OptionalLong firstBrokenLine, String problem) {
    public boolean intact() {
        return firstBrokenLine.isEmpty();
    }
}
