package org.parley.bootstrap.architecture;

import java.util.stream.Stream;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Checks every module's production code against every rule of {@link ArchitectureRules#ALL}: one test per rule, built
 * from the list itself, so a rule added to the list is checked without anything else to remember (and
 * {@link ArchitectureRulesCanFailTest} proves that every rule declared is in the list). It runs in bootstrap because
 * this is the one module whose class path holds every other one.
 */
class ArchitectureTest {

    /** Imported once, on first use, for every rule. */
    private static JavaClasses productionClasses;

    @TestFactory
    Stream<DynamicTest> everyRuleHoldsForTheProductionCode() {
        return ArchitectureRules.ALL.stream()
                .map(rule -> DynamicTest.dynamicTest(rule.getDescription(), () -> rule.check(productionClasses())));
    }

    private static synchronized JavaClasses productionClasses() {
        if (productionClasses == null) {
            productionClasses = new ClassFileImporter()
                    .withImportOption(new ParleyProductionCode())
                    .importPackages("org.parley");
        }
        return productionClasses;
    }
}
