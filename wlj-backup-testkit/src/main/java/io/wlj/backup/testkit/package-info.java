/**
 * A real PostgreSQL server for tests, shared by every test in a JVM, with a fresh database for
 * each test class.
 *
 * <p>Backup and restore code is only trustworthy when it has run against the server it will
 * meet in production, so this fixture never mocks: it starts PostgreSQL in Docker through
 * Testcontainers when a Docker engine answers, and the embedded zonky binaries otherwise (so
 * tests also run on machines and CI runners without Docker). Starting a server costs seconds
 * while creating a database costs milliseconds, hence one server per JVM and one database per
 * test class.
 *
 * <p>JUnit 5 tests annotate the class with {@link io.wlj.backup.testkit.WithPostgres} and take a
 * {@link io.wlj.backup.testkit.TestDatabase} or {@link io.wlj.backup.testkit.PostgresServer}
 * parameter; other code calls {@link io.wlj.backup.testkit.PostgresServer#shared()}.
 *
 * <p>System properties read when the server starts:
 * <ul>
 *   <li>{@value io.wlj.backup.testkit.PostgresServer#VERSION_PROPERTY}: the PostgreSQL major
 *       version, default {@value io.wlj.backup.testkit.PostgresServer#DEFAULT_VERSION}. The
 *       embedded binaries on the classpath must be of that version, so with Maven pass it to
 *       Maven itself ({@code mvn test -Dwlj.test.postgres.version=15}).</li>
 *   <li>{@value io.wlj.backup.testkit.PostgresServer#SERVER_PROPERTY}: {@code auto} (default),
 *       {@code docker} or {@code embedded}, to force one kind of server.</li>
 * </ul>
 */
package io.wlj.backup.testkit;
