package org.parley.bootstrap.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.util.List;

import com.tngtech.archunit.lang.ArchRule;
import org.glassfish.grizzly.GrizzlyFuture;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.parley.application.groupcommit.MessageWriter;
import org.parley.application.port.out.MessageRepository;
import org.parley.domain.chat.MessageDraft;

/**
 * Parley's architecture, stated as rules. Read this class to learn the design; {@link ArchitectureTest} checks the
 * real code against every rule of {@link #ALL} and {@link ArchitectureRulesCanFailTest} proves that each rule catches
 * a deliberate breach, and that every rule declared here is in {@link #ALL}.
 *
 * <p>The Maven module graph already forbids the coarse directions (chat-domain cannot even see the application, an
 * adapter cannot see another adapter). These rules guard what Maven cannot see: libraries that arrive transitively,
 * packages inside a module, naming, and cycles.
 *
 * <p>A new module or adapter is a new layer of {@link #HEXAGON} (with who may use it), or the hexagon rule fails for
 * its classes; a new rule is a field here, added to {@link #ALL} with a breach fixture.
 */
final class ArchitectureRules {

    static final String DOMAIN = "org.parley.domain..";
    static final String APPLICATION = "org.parley.application..";
    static final String REST = "org.parley.adapter.rest..";
    static final String WEBSOCKET = "org.parley.adapter.websocket..";
    static final String PERSISTENCE = "org.parley.adapter.persistence..";
    static final String SECURITY = "org.parley.adapter.security..";
    static final String FILESTORE = "org.parley.adapter.filestore..";
    static final String CONTENT_TYPES = "org.parley.adapter.contenttypes..";
    static final String REDIS = "org.parley.adapter.redis..";
    static final String METRICS = "org.parley.adapter.metrics..";
    static final String BOOTSTRAP = "org.parley.bootstrap..";
    static final String WIRE = "org.parley.wire..";
    static final String ADAPTERS = "org.parley.adapter..";
    static final String DRIVING_PORTS = "org.parley.application.port.in..";
    static final String DRIVEN_PORTS = "org.parley.application.port.out..";
    static final String USE_CASE_FAILURES = "org.parley.application.error..";
    static final String WEBSOCKET_CONTAINER = "org.parley.adapter.websocket.container..";
    static final String SERVER_WORKAROUNDS = "org.parley.bootstrap.server..";

    private ArchitectureRules() {
    }

    /**
     * The hexagon: the domain in the middle, the application around it, adapters outside that know only the
     * application and the domain, and bootstrap, which alone knows every adapter. The seed API's shared words (the
     * wire vocabulary) serve the two driving adapters only, so storage or security never borrow an API word. Every
     * Parley class must belong to one of these layers, so a new package cannot slip past the rule unnoticed.
     */
    static final ArchRule HEXAGON = layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .layer("Domain").definedBy(DOMAIN)
            .layer("Application").definedBy(APPLICATION)
            .layer("REST adapter").definedBy(REST)
            .layer("Websocket adapter").definedBy(WEBSOCKET)
            .layer("Persistence adapter").definedBy(PERSISTENCE)
            .layer("Security adapter").definedBy(SECURITY)
            .layer("File store adapter").definedBy(FILESTORE)
            .layer("Wire vocabulary").definedBy(WIRE)
            .layer("Content types adapter").definedBy(CONTENT_TYPES)
            .layer("Redis adapter").definedBy(REDIS)
            .layer("Metrics adapter").definedBy(METRICS)
            .layer("Bootstrap").definedBy(BOOTSTRAP)
            .whereLayer("Bootstrap").mayNotBeAccessedByAnyLayer()
            .whereLayer("REST adapter").mayOnlyBeAccessedByLayers("Bootstrap")
            .whereLayer("Websocket adapter").mayOnlyBeAccessedByLayers("Bootstrap")
            .whereLayer("Persistence adapter").mayOnlyBeAccessedByLayers("Bootstrap")
            .whereLayer("Security adapter").mayOnlyBeAccessedByLayers("Bootstrap")
            .whereLayer("File store adapter").mayOnlyBeAccessedByLayers("Bootstrap")
            .whereLayer("Wire vocabulary").mayOnlyBeAccessedByLayers("REST adapter", "Websocket adapter", "Bootstrap")
            .whereLayer("Content types adapter").mayOnlyBeAccessedByLayers("Bootstrap")
            .whereLayer("Redis adapter").mayOnlyBeAccessedByLayers("Bootstrap")
            .whereLayer("Metrics adapter").mayOnlyBeAccessedByLayers("Bootstrap")
            .whereLayer("Application").mayOnlyBeAccessedByLayers(
                    "REST adapter", "Websocket adapter", "Persistence adapter", "Security adapter", "File store adapter",
                    "Content types adapter", "Redis adapter", "Metrics adapter", "Bootstrap")
            .whereLayer("Domain").mayOnlyBeAccessedByLayers(
                    "Application", "REST adapter", "Websocket adapter", "Persistence adapter", "Security adapter",
                    "File store adapter", "Content types adapter", "Redis adapter", "Metrics adapter",
                    "Wire vocabulary", "Bootstrap")
            .ensureAllClassesAreContainedInArchitecture()
            .as("Parley is a hexagon: domain <- application <- adapters <- bootstrap");

    /** The domain is a reusable jar with no dependencies: the JDK and itself, nothing else. */
    static final ArchRule DOMAIN_USES_THE_JDK_ONLY = classes()
            .that().resideInAPackage(DOMAIN)
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", DOMAIN)
            .as("the domain depends on the JDK only");

    /** The application speaks the domain's language and its own ports; frameworks live in adapters. */
    static final ArchRule APPLICATION_USES_THE_DOMAIN_AND_THE_JDK_ONLY = classes()
            .that().resideInAPackage(APPLICATION)
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", DOMAIN, APPLICATION)
            .as("the application depends on the domain and the JDK only");

    /**
     * The wire vocabulary holds words, not a format: the domain's types and the JDK, no JSON library, no application
     * (it names what the domain has, for any driving adapter).
     */
    static final ArchRule WIRE_VOCABULARY_USES_THE_DOMAIN_AND_THE_JDK_ONLY = classes()
            .that().resideInAPackage(WIRE)
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", DOMAIN, WIRE)
            .as("the wire vocabulary depends on the domain and the JDK only");

    /**
     * Adapters reach the application through its ports only: driving adapters call {@code port.in} use cases, driven
     * adapters implement {@code port.out}, both speak its failures ({@code error}). Services and the group-commit
     * engine are implementations that bootstrap alone builds and wires; an adapter that called one directly would
     * bypass the use case's interface (and a test's fake), and could not be moved to another process or node. An
     * allow-list, so that a new application package is not open to adapters by default.
     */
    static final ArchRule ADAPTERS_USE_THE_APPLICATION_THROUGH_ITS_PORTS = classes()
            .that().resideInAPackage(ADAPTERS)
            .should().onlyDependOnClassesThat(resideOutsideOfPackage(APPLICATION)
                    .or(resideInAnyPackage(DRIVING_PORTS, DRIVEN_PORTS, USE_CASE_FAILURES)))
            .as("adapters use the application through port.in, port.out and its failures only "
                    + "(never a service or group commit)");

    /**
     * Driving ports ({@code port.in}: what the outside may ask) and driven ports ({@code port.out}: what the
     * application needs) do not know each other, so each side can change, and be implemented, on its own; a type
     * both need belongs to the domain (or to the failures).
     */
    static final ArchRule DRIVING_AND_DRIVEN_PORTS_ARE_INDEPENDENT = slices()
            .matching("org.parley.application.port.(*)..")
            .should().notDependOnEachOther()
            .as("port.in and port.out do not depend on each other");

    /** JPA, Hibernate, JDBC, the pool and migrations are storage details: only the persistence adapter sees them. */
    static final ArchRule STORAGE_TECHNOLOGY_STAYS_IN_PERSISTENCE = noClasses()
            .that().resideOutsideOfPackage(PERSISTENCE)
            .should().dependOnClassesThat().resideInAnyPackage(
                    "jakarta.persistence..", "org.hibernate..", "java.sql..", "javax.sql..", "com.zaxxer..", "org.flywaydb..")
            .as("JPA, Hibernate, JDBC, HikariCP and Flyway are used in the persistence adapter only");

    /** Jersey and JAX-RS belong to the REST adapter; bootstrap only hands its configuration to the HTTP server. */
    static final ArchRule HTTP_FRAMEWORK_STAYS_IN_REST = noClasses()
            .that().resideOutsideOfPackages(REST, BOOTSTRAP)
            .should().dependOnClassesThat().resideInAnyPackage("org.glassfish.jersey..", "jakarta.ws.rs..")
            .as("Jersey and JAX-RS are used in the REST adapter (and by bootstrap to start it) only");

    /** The websocket API and Tyrus belong to the websocket adapter. */
    static final ArchRule WEBSOCKET_FRAMEWORK_STAYS_IN_WEBSOCKET = noClasses()
            .that().resideOutsideOfPackage(WEBSOCKET)
            .should().dependOnClassesThat().resideInAnyPackage("jakarta.websocket..", "org.glassfish.tyrus..")
            .as("jakarta.websocket and Tyrus are used in the websocket adapter only");

    /**
     * Where Parley works below JSR-356 and below Grizzly's server API (Tyrus's container, engine and SPI; Grizzly's
     * filter chain, HTTP codec, connections and transports), it does so in the two workaround packages, one class per
     * workaround, each listed in {@code docs/workarounds.md}: so that whoever upgrades Grizzly or Tyrus finds every
     * place to re-check. Elsewhere Grizzly is a server to create, start and stop, and nothing more.
     */
    static final ArchRule LIBRARY_WORKAROUNDS_STAY_IN_THEIR_PACKAGES = noClasses()
            .that().resideOutsideOfPackages(WEBSOCKET_CONTAINER, SERVER_WORKAROUNDS)
            .should().dependOnClassesThat(resideInAnyPackage("org.glassfish.tyrus..", "org.glassfish.grizzly..")
                    .and(not(belongToAnyOf(HttpServer.class, NetworkListener.class, GrizzlyFuture.class))))
            .as("Tyrus and Grizzly below their public server API are used in the workaround packages only "
                    + "(websocket.container, bootstrap.server)");

    /** Token cryptography is the security adapter's business. */
    static final ArchRule JWT_LIBRARY_STAYS_IN_SECURITY = noClasses()
            .that().resideOutsideOfPackage(SECURITY)
            .should().dependOnClassesThat().resideInAnyPackage("com.auth0..")
            .as("the JWT library is used in the security adapter only");

    /**
     * Detecting content types from bytes (Apache Tika) is the content types adapter's business, behind its own port, so
     * that every attachment store (the filesystem, an object store) gets the same types.
     */
    static final ArchRule CONTENT_DETECTION_STAYS_IN_CONTENT_TYPES = noClasses()
            .that().resideOutsideOfPackage(CONTENT_TYPES)
            .should().dependOnClassesThat().resideInAnyPackage("org.apache.tika..")
            .as("Apache Tika is used in the content types adapter only");

    /**
     * JSON is a wire format: of the driving adapters, and of the bus between nodes (its own format, versioned), not of
     * the core or of storage.
     */
    static final ArchRule JSON_STAYS_IN_WIRE_ADAPTERS = noClasses()
            .that().resideOutsideOfPackages(REST, WEBSOCKET, REDIS)
            .should().dependOnClassesThat().resideInAnyPackage("com.fasterxml.jackson..")
            .as("Jackson is used in the REST, websocket and Redis adapters only");

    /**
     * The bus between nodes is the Redis adapter's business: Lettuce (and Redis's wire protocol) nowhere else, so that
     * another bus is another adapter of the same ports, and a node without Redis never touches it.
     */
    static final ArchRule REDIS_CLIENT_STAYS_IN_REDIS = noClasses()
            .that().resideOutsideOfPackage(REDIS)
            .should().dependOnClassesThat().resideInAnyPackage("io.lettuce..")
            .as("Lettuce is used in the Redis adapter only");

    /**
     * Metrics are counted through the application's {@code ChatMetrics} port and shown through
     * {@code MetricsExposition}: Micrometer and the Prometheus client live in the metrics adapter only, so that the
     * message path depends on a port whose no-op costs nothing, and another metrics library is another adapter.
     */
    static final ArchRule METRICS_LIBRARY_STAYS_IN_METRICS = noClasses()
            .that().resideOutsideOfPackage(METRICS)
            .should().dependOnClassesThat().resideInAnyPackage("io.micrometer..", "io.prometheus..")
            .as("Micrometer and the Prometheus client are used in the metrics adapter only");

    /** Entities are a storage detail: package-private, mapped to domain objects before they leave the adapter. */
    static final ArchRule ENTITIES_ARE_PACKAGE_PRIVATE = classes()
            .that().areAnnotatedWith("jakarta.persistence.Entity")
            .should().notBePublic()
            .allowEmptyShould(false)
            .as("JPA entities are package-private");

    /** Every public service is a use case: it implements a driving port that adapters call instead of the service. */
    static final ArchRule SERVICES_IMPLEMENT_DRIVING_PORTS = classes()
            .that().resideInAPackage("org.parley.application.service")
            .and().arePublic()
            .and().areTopLevelClasses()
            .should().implement(com.tngtech.archunit.base.DescribedPredicate.describe(
                    "a driving port", (com.tngtech.archunit.core.domain.JavaClass type) ->
                            type.getPackageName().equals("org.parley.application.port.in")))
            .as("public services implement a driving port (org.parley.application.port.in)");

    /**
     * Messages are stored only through group commit ({@link MessageWriter}): it alone guarantees that a message is
     * committed before any frame of it leaves, and that ids and deliveries follow one order on each server.
     */
    static final ArchRule ONLY_GROUP_COMMIT_STORES_MESSAGES = noClasses()
            .that().resideOutsideOfPackage("org.parley.application.groupcommit..")
            .and().doNotBelongToAnyOf(MessageRepository.class)
            .should().callMethod(MessageRepository.class, "appendNew", List.class)
            .orShould().callMethod(MessageRepository.class, "appendAll", List.class)
            .orShould().callMethod(MessageRepository.class, "append", MessageDraft.class)
            .orShould().callMethod(MessageRepository.class, "appendNewRecordingEvents", List.class)
            .as("only group commit (MessageWriter) stores messages");

    /** The seed's "thread" is {@code ChatThread}: nothing may shadow {@link java.lang.Thread}. */
    static final ArchRule NOTHING_SHADOWS_JAVA_LANG_THREAD = noClasses()
            .that().resideInAPackage("org.parley..")
            .should().haveSimpleName("Thread")
            .as("no Parley class is called Thread (the seed's thread is ChatThread)");

    /** Packages depend on each other in one direction only, so each can be understood and changed on its own. */
    static final ArchRule NO_PACKAGE_CYCLES = slices()
            .matching("org.parley.(**)")
            .should().beFreeOfCycles()
            .as("Parley's packages are free of cycles");

    /** Every rule above; {@link ArchitectureTest} checks each against the production code. */
    static final List<ArchRule> ALL = List.of(
            HEXAGON,
            DOMAIN_USES_THE_JDK_ONLY,
            APPLICATION_USES_THE_DOMAIN_AND_THE_JDK_ONLY,
            WIRE_VOCABULARY_USES_THE_DOMAIN_AND_THE_JDK_ONLY,
            ADAPTERS_USE_THE_APPLICATION_THROUGH_ITS_PORTS,
            DRIVING_AND_DRIVEN_PORTS_ARE_INDEPENDENT,
            STORAGE_TECHNOLOGY_STAYS_IN_PERSISTENCE,
            HTTP_FRAMEWORK_STAYS_IN_REST,
            WEBSOCKET_FRAMEWORK_STAYS_IN_WEBSOCKET,
            LIBRARY_WORKAROUNDS_STAY_IN_THEIR_PACKAGES,
            JWT_LIBRARY_STAYS_IN_SECURITY,
            CONTENT_DETECTION_STAYS_IN_CONTENT_TYPES,
            JSON_STAYS_IN_WIRE_ADAPTERS,
            REDIS_CLIENT_STAYS_IN_REDIS,
            METRICS_LIBRARY_STAYS_IN_METRICS,
            ENTITIES_ARE_PACKAGE_PRIVATE,
            SERVICES_IMPLEMENT_DRIVING_PORTS,
            ONLY_GROUP_COMMIT_STORES_MESSAGES,
            NOTHING_SHADOWS_JAVA_LANG_THREAD,
            NO_PACKAGE_CYCLES);
}
