package io.wlj.backup.repository;

/** Repository lock modes: many backups may share the repository; prune and delete need it alone. */
public enum LockMode { SHARED, EXCLUSIVE }
