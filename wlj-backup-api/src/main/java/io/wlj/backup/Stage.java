package io.wlj.backup;

/** When a {@link io.wlj.backup.spi.ValidationGate} runs. */
public enum Stage {
    /** Before any data is read; a FAIL means no backup is attempted. */
    BEFORE_BACKUP,
    /** After every artifact is stored, before the manifest is sealed; a FAIL means the backup is not sealed. */
    AFTER_BACKUP,
    /** Before a restore touches its target. */
    BEFORE_RESTORE,
    /** After data is restored into staging, before it is committed or swapped in; a FAIL rolls back. */
    AFTER_RESTORE_BEFORE_COMMIT,
    /** After the restore is committed; a FAIL is reported, the restored data stays. */
    AFTER_RESTORE
}
