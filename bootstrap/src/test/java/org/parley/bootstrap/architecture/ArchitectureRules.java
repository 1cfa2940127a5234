package org.parley.bootstrap.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.util.List;

import com.tngtech.archunit.lang.ArchRule;
import org.parley.application.groupcommit.MessageWriter;
import org.parley.application.port.out.MessageRepository;
import org.parley.domain.chat.MessageDraft;

/**
 * Parley's architecture, stated as rules. Read this class to learn the design; {@link ArchitectureTest} checks the
 * real code against it and {@link ArchitectureRulesCanFailTest} proves that each rule catches a deliberate breach.
 *
 * <p>The Maven module graph already forbids the coarse directions (chat-domain cannot even see the application, an
 * adapter cannot see another adapter). These rules guard what Maven cannot see: libraries that arrive transitively,
 * packages inside a module, naming, and cycles.
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
    static final String BOOTSTRAP = "org.parley.bootstrap..";

    private ArchitectureRules() {
    }

    /**
     * The hexagon: the domain in the middle, the application around it, adapters outside that know only the
     * application and the domain, and bootstrap, which alone knows every adapter. Every Parley class must belong to
     * one of these layers, so a new package cannot slip past the rule unnoticed.
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
            .layer("Content types adapter").definedBy(CONTENT_TYPES)
            .layer("Bootstrap").definedBy(BOOTSTRAP)
            .whereLayer("Bootstrap").mayNotBeAccessedByAnyLayer()
            .whereLayer("REST adapter").mayOnlyBeAccessedByLayers("Bootstrap")
            .whereLayer("Websocket adapter").mayOnlyBeAccessedByLayers("Bootstrap")
            .whereLayer("Persistence adapter").mayOnlyBeAccessedByLayers("Bootstrap")
            .whereLayer("Security adapter").mayOnlyBeAccessedByLayers("Bootstrap")
            .whereLayer("File store adapter").mayOnlyBeAccessedByLayers("Bootstrap")
            .whereLayer("Content types adapter").mayOnlyBeAccessedByLayers("Bootstrap")
            .whereLayer("Application").mayOnlyBeAccessedByLayers(
                    "REST adapter", "Websocket adapter", "Persistence adapter", "Security adapter", "File store adapter",
                    "Content types adapter", "Bootstrap")
            .whereLayer("Domain").mayOnlyBeAccessedByLayers(
                    "Application", "REST adapter", "Websocket adapter", "Persistence adapter", "Security adapter",
                    "File store adapter", "Content types adapter", "Bootstrap")
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

    /** JSON is a wire format of the driving adapters, not of the core or of storage. */
    static final ArchRule JSON_STAYS_IN_DRIVING_ADAPTERS = noClasses()
            .that().resideOutsideOfPackages(REST, WEBSOCKET)
            .should().dependOnClassesThat().resideInAnyPackage("com.fasterxml.jackson..")
            .as("Jackson is used in the REST and websocket adapters only");

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
            .should().callMethod(MessageRepository.class, "appendAll", List.class)
            .orShould().callMethod(MessageRepository.class, "append", MessageDraft.class)
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

    static final ArchRule[] ALL = {
            HEXAGON,
            DOMAIN_USES_THE_JDK_ONLY,
            APPLICATION_USES_THE_DOMAIN_AND_THE_JDK_ONLY,
            STORAGE_TECHNOLOGY_STAYS_IN_PERSISTENCE,
            HTTP_FRAMEWORK_STAYS_IN_REST,
            WEBSOCKET_FRAMEWORK_STAYS_IN_WEBSOCKET,
            JWT_LIBRARY_STAYS_IN_SECURITY,
            CONTENT_DETECTION_STAYS_IN_CONTENT_TYPES,
            JSON_STAYS_IN_DRIVING_ADAPTERS,
            ENTITIES_ARE_PACKAGE_PRIVATE,
            SERVICES_IMPLEMENT_DRIVING_PORTS,
            ONLY_GROUP_COMMIT_STORES_MESSAGES,
            NOTHING_SHADOWS_JAVA_LANG_THREAD,
            NO_PACKAGE_CYCLES,
    };
}
