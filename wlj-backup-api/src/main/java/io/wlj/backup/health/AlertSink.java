package io.wlj.backup.health;

import java.io.IOException;

/**
 * Where alerts go: a log, a webhook, a program that sends mail or chat. Built-ins are in
 * {@link AlertSinks}. A sink that fails throws; the dispatcher reports it and goes on with the others.
 */
public interface AlertSink {

    /** Short name for reports, such as {@code webhook https://hooks.example.org/...}. */
    String name();

    void send(Alert alert) throws IOException;
}
