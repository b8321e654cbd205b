package io.wlj.backup.internal;

import java.io.IOException;

/**
 * Called before each durable step of a repository write (create, first write, fsync, rename,
 * directory fsync). Production code uses {@link #NONE}; fault tests throw from it to prove
 * that a failure at any step leaves the repository consistent.
 */
@FunctionalInterface
public interface IoHook {
    IoHook NONE = step -> { };

    void before(String step) throws IOException;
}
