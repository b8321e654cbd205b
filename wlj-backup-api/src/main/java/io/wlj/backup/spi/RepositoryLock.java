package io.wlj.backup.spi;

/** A held repository lock. Closing releases it. */
public interface RepositoryLock extends AutoCloseable {
    @Override
    void close();
}
