package io.wlj.backup.testkit;

import io.wlj.backup.testkit.internal.SharedPostgres;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JUnit 5 extension giving each test class a database of its own on the shared PostgreSQL
 * server.
 *
 * <p>Before the class's first test it creates a uniquely named database; after its last it
 * drops it, ending any connection left open. A database per class keeps classes from seeing
 * each other's tables and rows, while tests within a class can build on common setup made in
 * {@code @BeforeAll}.
 *
 * <p>Parameters of type {@link TestDatabase} (that database) and {@link PostgresServer} (the
 * shared server, for admin work) are injected into test, lifecycle and constructor methods.
 * {@code @Nested} classes share the database of the class that encloses them, because they
 * describe the same subject. Register it on a class, through {@link WithPostgres},
 * {@code @ExtendWith} or a static {@code @RegisterExtension} field; registered on a method, it
 * has no class to tie the database to and refuses {@link TestDatabase} parameters.
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresExtension.class);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PostgresExtension.class);
    private static final String DATABASE = "database";

    @Override
    public void beforeAll(ExtensionContext context) {
        databaseOfClass(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        // remove() only looks at this context's own store, so a nested class, which sees its
        // enclosing class's database through the store's parent, does not drop it.
        TestDatabase database = context.getStore(NAMESPACE).remove(DATABASE, TestDatabase.class);
        if (database != null) {
            SharedPostgres.server().dropDatabase(database.name());
            LOG.debug("Dropped database {} of {}", database.name(), context.getDisplayName());
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == TestDatabase.class || type == PostgresServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        if (parameterContext.getParameter().getType() == PostgresServer.class) {
            return SharedPostgres.server();
        }
        TestDatabase database = extensionContext.getStore(NAMESPACE).get(DATABASE, TestDatabase.class);
        if (database != null) {
            return database;
        }
        if (extensionContext.getTestMethod().isEmpty() && extensionContext.getTestClass().isPresent()) {
            // A constructor parameter of a class with a per-class test instance: JUnit builds
            // that instance before the before-all callbacks, so create the database now.
            return databaseOfClass(extensionContext);
        }
        throw new ParameterResolutionException("No test database for " + extensionContext.getDisplayName()
                + ": register PostgresExtension on the test class (for instance with @WithPostgres), not on a method.");
    }

    /** The database the class of {@code context} uses, created if neither it nor an enclosing class has one. */
    private static TestDatabase databaseOfClass(ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        TestDatabase existing = store.get(DATABASE, TestDatabase.class);
        if (existing != null) {
            return existing;
        }
        PostgresServer server = SharedPostgres.server();
        String name = server.uniqueDatabaseName(context.getRequiredTestClass().getSimpleName());
        TestDatabase database = server.createDatabase(name);
        store.put(DATABASE, database);
        LOG.debug("Created database {} for {}", name, context.getDisplayName());
        return database;
    }
}
