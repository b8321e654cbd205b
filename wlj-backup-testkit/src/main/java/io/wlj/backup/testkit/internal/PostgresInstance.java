package io.wlj.backup.testkit.internal;

/**
 * A started PostgreSQL process, whatever runs it, reduced to what clients need to reach it.
 * Two kinds exist, {@link ContainerInstance} and {@link EmbeddedInstance}, so that the code
 * above them never asks which one it has.
 */
interface PostgresInstance extends AutoCloseable {

    /** Host name at which clients reach the server. */
    String host();

    /** TCP port at which clients reach the server. */
    int port();

    /** The superuser's name. */
    String user();

    /** The superuser's password. */
    String password();

    /** What runs the server, for log lines and error messages: "Docker image postgres:16". */
    String origin();

    /** One sentence for a server running {@code running} when {@code requestedMajor} was asked for, saying how to fix it. */
    String versionMismatch(int requestedMajor, ServerVersion running);

    /** Stops the server and frees its resources; later calls do nothing. Never throws. */
    @Override
    void close();
}
