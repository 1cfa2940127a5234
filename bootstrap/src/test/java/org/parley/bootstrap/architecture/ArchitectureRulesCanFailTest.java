package org.parley.bootstrap.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.parley.adapter.metrics.archfixture.MetricsReachingIntoTheWebsocket;
import org.parley.adapter.persistence.archfixture.JsonInStorage;
import org.parley.adapter.persistence.archfixture.StorageSpeakingTheWireVocabulary;
import org.parley.adapter.redis.archfixture.BusOrderingEventsItself;
import org.parley.adapter.redis.archfixture.BusReachingIntoTheWebsocket;
import org.parley.adapter.rest.archfixture.RestCallingAServiceDirectly;
import org.parley.adapter.rest.archfixture.RestReachingIntoPersistence;
import org.parley.adapter.rest.archfixture.RestSniffingContentTypes;
import org.parley.adapter.rest.archfixture.RestUsingTheWebsocketApi;
import org.parley.application.archfixture.ApplicationUsingJpa;
import org.parley.adapter.websocket.archfixture.WebsocketCountingWithMicrometer;
import org.parley.adapter.websocket.archfixture.WebsocketReachingIntoTyrus;
import org.parley.adapter.websocket.archfixture.WebsocketPublishingToRedis;
import org.parley.adapter.websocket.archfixture.WebsocketStoringThroughGroupCommit;
import org.parley.application.archfixture.StoringAMessageDirectly;
import org.parley.application.port.in.archfixture.DrivingPortNamingADrivenPort;
import org.parley.application.service.ServiceWithoutADrivingPort;
import org.parley.archfixture.Thread;
import org.parley.archfixture.cycle.a.A;
import org.parley.archfixture.cycle.b.B;
import org.parley.bootstrap.archfixture.BootstrapFilteringBelowTheServer;
import org.parley.domain.archfixture.DomainReachingIntoAnAdapter;
import org.parley.stray.ClassOutsideTheArchitecture;
import org.parley.wire.archfixture.WireVocabularyWritingJson;

/**
 * A rule that can never fail protects nothing (a rule about a misspelled package passes silently), and a rule that is
 * never checked protects nothing either. Here: every rule declared in {@link ArchitectureRules} is in
 * {@link ArchitectureRules#ALL}, which {@link ArchitectureTest} checks rule by rule; and each rule of the list is
 * evaluated against a deliberately wrong class from the test sources, and must report it.
 */
class ArchitectureRulesCanFailTest {

    static Stream<Arguments> breaches() {
        return Stream.of(
                Arguments.of(ArchitectureRules.HEXAGON, DomainReachingIntoAnAdapter.class),
                Arguments.of(ArchitectureRules.HEXAGON, RestReachingIntoPersistence.class),
                Arguments.of(ArchitectureRules.HEXAGON, ClassOutsideTheArchitecture.class),
                Arguments.of(ArchitectureRules.HEXAGON, StorageSpeakingTheWireVocabulary.class),
                Arguments.of(ArchitectureRules.DOMAIN_USES_THE_JDK_ONLY, DomainReachingIntoAnAdapter.class),
                Arguments.of(ArchitectureRules.APPLICATION_USES_THE_DOMAIN_AND_THE_JDK_ONLY, ApplicationUsingJpa.class),
                Arguments.of(ArchitectureRules.WIRE_VOCABULARY_USES_THE_DOMAIN_AND_THE_JDK_ONLY,
                        WireVocabularyWritingJson.class),
                Arguments.of(ArchitectureRules.ADAPTERS_USE_THE_APPLICATION_THROUGH_ITS_PORTS,
                        RestCallingAServiceDirectly.class),
                Arguments.of(ArchitectureRules.ADAPTERS_USE_THE_APPLICATION_THROUGH_ITS_PORTS,
                        WebsocketStoringThroughGroupCommit.class),
                Arguments.of(ArchitectureRules.DRIVING_AND_DRIVEN_PORTS_ARE_INDEPENDENT,
                        DrivingPortNamingADrivenPort.class),
                Arguments.of(ArchitectureRules.STORAGE_TECHNOLOGY_STAYS_IN_PERSISTENCE, ApplicationUsingJpa.class),
                Arguments.of(ArchitectureRules.HTTP_FRAMEWORK_STAYS_IN_REST, JsonInStorage.class),
                Arguments.of(ArchitectureRules.WEBSOCKET_FRAMEWORK_STAYS_IN_WEBSOCKET, RestUsingTheWebsocketApi.class),
                Arguments.of(ArchitectureRules.LIBRARY_WORKAROUNDS_STAY_IN_THEIR_PACKAGES,
                        WebsocketReachingIntoTyrus.class),
                Arguments.of(ArchitectureRules.LIBRARY_WORKAROUNDS_STAY_IN_THEIR_PACKAGES,
                        BootstrapFilteringBelowTheServer.class),
                Arguments.of(ArchitectureRules.JSON_STAYS_IN_WIRE_ADAPTERS, JsonInStorage.class),
                Arguments.of(ArchitectureRules.REDIS_CLIENT_STAYS_IN_REDIS, WebsocketPublishingToRedis.class),
                Arguments.of(ArchitectureRules.ADAPTERS_USE_THE_APPLICATION_THROUGH_ITS_PORTS,
                        BusOrderingEventsItself.class),
                Arguments.of(ArchitectureRules.HEXAGON, BusReachingIntoTheWebsocket.class),
                Arguments.of(ArchitectureRules.HEXAGON, MetricsReachingIntoTheWebsocket.class),
                Arguments.of(ArchitectureRules.METRICS_LIBRARY_STAYS_IN_METRICS, WebsocketCountingWithMicrometer.class),
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

    @ParameterizedTest(name = "{0} has a breach that proves it")
    @MethodSource("allRules")
    void everyRuleHasABreachThatProvesIt(ArchRule rule) {
        assertThat(breaches().map(arguments -> arguments.get()[0])).contains(rule);
    }

    @Test
    void everyRuleDeclaredIsInTheListThatIsChecked() {
        List<ArchRule> declared = Arrays.stream(ArchitectureRules.class.getDeclaredFields())
                .filter(field -> Modifier.isStatic(field.getModifiers()) && ArchRule.class.equals(field.getType()))
                .map(ArchitectureRulesCanFailTest::valueOf)
                .toList();

        assertThat(declared).isNotEmpty();
        assertThat(ArchitectureRules.ALL).containsExactlyInAnyOrderElementsOf(declared).doesNotHaveDuplicates();
    }

    @Test
    void architectureTestChecksEveryRuleOfTheListByItsDescription() {
        List<String> checked = new ArchitectureTest().everyRuleHoldsForTheProductionCode()
                .map(DynamicTest::getDisplayName).toList();

        assertThat(checked).containsExactlyElementsOf(ArchitectureRules.ALL.stream().map(ArchRule::getDescription).toList())
                .doesNotHaveDuplicates();
    }

    static Stream<ArchRule> allRules() {
        return ArchitectureRules.ALL.stream();
    }

    private static ArchRule valueOf(Field field) {
        try {
            return (ArchRule) field.get(null);
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }
}
