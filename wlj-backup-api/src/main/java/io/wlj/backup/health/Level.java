package io.wlj.backup.health;

/** How bad a health finding is, in increasing order. */
public enum Level {
    /** All is as it should be. */
    INFO,
    /** Worth a look in working hours. */
    WARNING,
    /** Something is wrong: the monitor exits 3. */
    ERROR,
    /** Data is at risk now, such as no backup at all. */
    CRITICAL
}
