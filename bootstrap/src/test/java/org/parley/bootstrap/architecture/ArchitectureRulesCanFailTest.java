package org.parley.bootstrap.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.parley.adapter.persistence.archfixture.JsonInStorage;
import org.parley.adapter.rest.archfixture.RestReachingIntoPersistence;
import org.parley.adapter.rest.archfixture.RestSniffingContentTypes;
import org.parley.adapter.rest.archfixture.RestUsingTheWebsocketApi;
import org.parley.application.archfixture.ApplicationUsingJpa;
import org.parley.application.archfixture.StoringAMessageDirectly;
import org.parley.application.service.ServiceWithoutADrivingPort;
import org.parley.archfixture.Thread;
import org.parley.archfixture.cycle.a.A;
import org.parley.archfixture.cycle.b.B;
import org.parley.domain.archfixture.DomainReachingIntoAnAdapter;
import org.parley.stray.ClassOutsideTheArchitecture;

/**
 * A rule that can never fail protects nothing (a rule about a misspelled package passes silently). Each rule of
 * {@link ArchitectureRules} is evaluated here against a deliberately wrong class from the test sources, and must
 * report it.
 */
class ArchitectureRulesCanFailTest {

    static Stream<Arguments> breaches() {
        return Stream.of(
                Arguments.of(ArchitectureRules.HEXAGON, DomainReachingIntoAnAdapter.class),
                Arguments.of(ArchitectureRules.HEXAGON, RestReachingIntoPersistence.class),
                Arguments.of(ArchitectureRules.HEXAGON, ClassOutsideTheArchitecture.class),
                Arguments.of(ArchitectureRules.DOMAIN_USES_THE_JDK_ONLY, DomainReachingIntoAnAdapter.class),
                Arguments.of(ArchitectureRules.APPLICATION_USES_THE_DOMAIN_AND_THE_JDK_ONLY, ApplicationUsingJpa.class),
                Arguments.of(ArchitectureRules.STORAGE_TECHNOLOGY_STAYS_IN_PERSISTENCE, ApplicationUsingJpa.class),
                Arguments.of(ArchitectureRules.HTTP_FRAMEWORK_STAYS_IN_REST, JsonInStorage.class),
                Arguments.of(ArchitectureRules.WEBSOCKET_FRAMEWORK_STAYS_IN_WEBSOCKET, RestUsingTheWebsocketApi.class),
                Arguments.of(ArchitectureRules.JSON_STAYS_IN_DRIVING_ADAPTERS, JsonInStorage.class),
                Arguments.of(ArchitectureRules.CONTENT_DETECTION_STAYS_IN_CONTENT_TYPES, RestSniffingContentTypes.class),
                Arguments.of(ArchitectureRules.JWT_LIBRARY_STAYS_IN_SECURITY, RestReachingIntoPersistence.class),
                Arguments.of(ArchitectureRules.ENTITIES_ARE_PACKAGE_PRIVATE, ApplicationUsingJpa.class),
                Arguments.of(ArchitectureRules.SERVICES_IMPLEMENT_DRIVING_PORTS, ServiceWithoutADrivingPort.class),
                Arguments.of(ArchitectureRules.ONLY_GROUP_COMMIT_STORES_MESSAGES, StoringAMessageDirectly.class),
                Arguments.of(ArchitectureRules.NOTHING_SHADOWS_JAVA_LANG_THREAD, Thread.class),
                Arguments.of(ArchitectureRules.NO_PACKAGE_CYCLES, A.class));
    }

    @ParameterizedTest(name = "{0} catches {1}")
    @MethodSource("breaches")
    void ruleReportsTheDeliberateBreach(ArchRule rule, Class<?> wrongClass) {
        // Parley's production classes plus the wrong class (and, for the cycle, its partner): the rule holds for the
        // production classes (ArchitectureTest), so the violation it must report is the wrong class's.
        List<Class<?>> wrong = wrongClass == A.class ? List.of(A.class, B.class) : List.of(wrongClass);
        ImportOption productionOrWrong = location -> new ParleyProductionCode().includes(location)
                || wrong.stream().anyMatch(type -> location.contains(type.getName().replace('.', '/') + ".class"));
        JavaClasses classes = new ClassFileImporter().withImportOption(productionOrWrong).importPackages("org.parley");

        EvaluationResult result = rule.evaluate(classes);

        assertThat(result.hasViolation()).as(rule.getDescription()).isTrue();
        assertThat(result.getFailureReport().getDetails()).anyMatch(line -> line.contains(wrongClass.getSimpleName()));
    }

    @ParameterizedTest(name = "{0} is checked by ArchitectureTest")
    @MethodSource("allRules")
    void everyRuleHasABreachThatProvesIt(ArchRule rule) {
        assertThat(breaches().map(arguments -> arguments.get()[0])).contains(rule);
    }

    static Stream<ArchRule> allRules() {
        return Stream.of(ArchitectureRules.ALL);
    }
}
