/**
 * A real PostgreSQL server for tests, shared by every test in a JVM, with a fresh database for
 * each test class; servers of several major versions side by side; and oracles for "the
 * restored database is the original one".
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
 * <p>Tests that must pass on every supported major version take a server from
 * {@link io.wlj.backup.testkit.PostgresServer#version(int)} (14 to 17, listed in
 * {@link io.wlj.backup.testkit.PostgresServer#SUPPORTED_VERSIONS}), typically in a
 * {@code @ParameterizedTest}; each version's server starts once per JVM:
 * <pre>{@code
 * static Stream<Integer> versions() {
 *     return PostgresServer.SUPPORTED_VERSIONS.stream();
 * }
 *
 * @ParameterizedTest
 * @MethodSource("versions")
 * void roundTrip(int major) throws SQLException {
 *     PostgresServer server = PostgresServer.version(major);
 *     TestDatabase original = server.createDatabase(server.uniqueDatabaseName("original"));
 *     Fixtures.loadEverything(original);
 *     TestDatabase restored = ...; // back up original, restore into a new database
 *     assertThat(CatalogSnapshot.of(restored).diff(CatalogSnapshot.of(original))).isEmpty();
 *     assertThat(DataSnapshot.of(restored).diff(DataSnapshot.of(original))).isEmpty();
 * }
 * }</pre>
 *
 * <p>The oracles: {@link io.wlj.backup.testkit.CatalogSnapshot} describes every user object as
 * text independent of OIDs, {@link io.wlj.backup.testkit.DataSnapshot} digests every table's
 * rows, sequence and large object; {@link io.wlj.backup.testkit.PgTools} runs the real
 * {@code pg_dump} and {@code psql} where installed (skipping, or failing under
 * {@code WLJ_REQUIRE_TOOLS=1}, where not); {@link io.wlj.backup.testkit.Fixtures} loads a
 * database full of every object kind and of hostile values.
 *
 * <p>System properties read when a server starts:
 * <ul>
 *   <li>{@value io.wlj.backup.testkit.PostgresServer#VERSION_PROPERTY}: the PostgreSQL major
 *       version of the shared server, default
 *       {@value io.wlj.backup.testkit.PostgresServer#DEFAULT_VERSION}. The embedded binaries on
 *       the classpath must be of that version, so with Maven pass it to Maven itself
 *       ({@code mvn test -Dwlj.test.postgres.version=15}).</li>
 *   <li>{@value io.wlj.backup.testkit.PostgresServer#BINARIES_PROPERTY_PREFIX}{@code <major>}:
 *       the zonky binaries jar of that major, for
 *       {@link io.wlj.backup.testkit.PostgresServer#version(int)} without Docker; the build
 *       sets these.</li>
 *   <li>{@value io.wlj.backup.testkit.PostgresServer#SERVER_PROPERTY}: {@code auto} (default),
 *       {@code docker} or {@code embedded}, to force one kind of server.</li>
 * </ul>
 */
package io.wlj.backup.testkit;
