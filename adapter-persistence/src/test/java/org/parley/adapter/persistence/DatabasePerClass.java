package org.parley.adapter.persistence;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.parley.domain.user.UserId;

/**
 * A fresh {@link TestDatabase} shared by the tests of one class, in a temporary directory of its own: started before
 * the class's {@code @BeforeAll} methods, closed and deleted after the class. Register it as a static field with
 * {@code @RegisterExtension}.
 */
final class DatabasePerClass implements BeforeAllCallback, AfterAllCallback {

    private final CacheSettings caches;
    private final Map<String, Object> extraHibernateSettings;
    private Path dir;
    private TestDatabase database;

    /** With the default caches, as Parley starts the storage. */
    DatabasePerClass() {
        this(Map.of());
    }

    DatabasePerClass(Map<String, Object> extraHibernateSettings) {
        this(CacheSettings.defaults(), extraHibernateSettings);
    }

    DatabasePerClass(CacheSettings caches) {
        this(caches, Map.of());
    }

    DatabasePerClass(CacheSettings caches, Map<String, Object> extraHibernateSettings) {
        this.caches = caches;
        this.extraHibernateSettings = Map.copyOf(extraHibernateSettings);
    }

    /** The class's database; available from the class's {@code @BeforeAll} methods on. */
    TestDatabase get() {
        if (database == null) {
            throw new IllegalStateException("The database starts before the test class: register with @RegisterExtension");
        }
        return database;
    }

    /** A new user stored in the class's database ({@link TestDatabase#newUser()}); its id. */
    UserId newUser() {
        return get().newUser();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("parley-persistence-test");
        database = TestDatabase.fresh(dir, caches, extraHibernateSettings);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            if (database != null) {
                database.close();
            }
        } finally {
            database = null;
            deleteRecursively(dir);
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
