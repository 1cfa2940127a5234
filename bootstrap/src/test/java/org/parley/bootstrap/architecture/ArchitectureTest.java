package org.parley.bootstrap.architecture;

import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Checks every module's production code against {@link ArchitectureRules}. It runs in bootstrap because this is the
 * one module whose class path holds every other one.
 */
@AnalyzeClasses(packages = "org.parley", importOptions = ParleyProductionCode.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule hexagon = ArchitectureRules.HEXAGON;
    @ArchTest
    static final ArchRule domainUsesTheJdkOnly = ArchitectureRules.DOMAIN_USES_THE_JDK_ONLY;
    @ArchTest
    static final ArchRule applicationUsesTheDomainAndTheJdkOnly = ArchitectureRules.APPLICATION_USES_THE_DOMAIN_AND_THE_JDK_ONLY;
    @ArchTest
    static final ArchRule storageTechnologyStaysInPersistence = ArchitectureRules.STORAGE_TECHNOLOGY_STAYS_IN_PERSISTENCE;
    @ArchTest
    static final ArchRule httpFrameworkStaysInRest = ArchitectureRules.HTTP_FRAMEWORK_STAYS_IN_REST;
    @ArchTest
    static final ArchRule websocketFrameworkStaysInWebsocket = ArchitectureRules.WEBSOCKET_FRAMEWORK_STAYS_IN_WEBSOCKET;
    @ArchTest
    static final ArchRule jwtLibraryStaysInSecurity = ArchitectureRules.JWT_LIBRARY_STAYS_IN_SECURITY;
    @ArchTest
    static final ArchRule contentDetectionStaysInContentTypes = ArchitectureRules.CONTENT_DETECTION_STAYS_IN_CONTENT_TYPES;
    @ArchTest
    static final ArchRule jsonStaysInDrivingAdapters = ArchitectureRules.JSON_STAYS_IN_DRIVING_ADAPTERS;
    @ArchTest
    static final ArchRule entitiesArePackagePrivate = ArchitectureRules.ENTITIES_ARE_PACKAGE_PRIVATE;
    @ArchTest
    static final ArchRule servicesImplementDrivingPorts = ArchitectureRules.SERVICES_IMPLEMENT_DRIVING_PORTS;
    @ArchTest
    static final ArchRule nothingShadowsJavaLangThread = ArchitectureRules.NOTHING_SHADOWS_JAVA_LANG_THREAD;
    @ArchTest
    static final ArchRule noPackageCycles = ArchitectureRules.NO_PACKAGE_CYCLES;
}
