package org.parley.domain;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;
import org.parley.domain.chat.Message;
import org.parley.domain.delivery.DeliveryPolicy;
import org.parley.domain.fixture.LeakyDomainObject;
import org.parley.domain.user.User;

/**
 * The chat domain depends on the JDK ({@code java..}) and itself only. Maven already keeps libraries off the domain's
 * compile class path (the enforcer bans every dependency); this rule guards what Maven cannot see: a class that
 * reaches the domain through the JDK's own modules but outside {@code java..} (such as {@code javax.sql} or
 * {@code jdk.internal}), or a library that a later change sneaks in as "provided". A domain that depends on nothing
 * can be reused by every adapter and tested without infrastructure.
 */
class DomainDependencyRuleTest {

    /** The rule itself, shared by the real check and by the check that proves it can fail. */
    static final ArchRule DOMAIN_DEPENDS_ON_JDK_AND_ITSELF_ONLY = classes()
            .that().resideInAPackage("org.parley.domain..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "org.parley.domain..")
            .because("the chat domain is plain Java that every adapter can reuse");

    @Test
    void domain_classes_depend_on_the_jdk_and_the_domain_only() {
        JavaClasses domain = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.parley.domain");

        assertThat(domain.contain(User.class)).isTrue();
        assertThat(domain.contain(Message.class)).isTrue();
        assertThat(domain.contain(DeliveryPolicy.class)).isTrue();
        assertThat(domain.contain(LeakyDomainObject.class)).as("test fixtures are not production code").isFalse();
        DOMAIN_DEPENDS_ON_JDK_AND_ITSELF_ONLY.check(domain);
    }

    @Test
    void the_rule_reports_a_domain_class_that_uses_a_library() {
        JavaClasses leaky = new ClassFileImporter().importClasses(LeakyDomainObject.class);

        EvaluationResult result = DOMAIN_DEPENDS_ON_JDK_AND_ITSELF_ONLY.evaluate(leaky);

        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().getDetails())
                .anySatisfy(detail -> assertThat(detail).contains("org.assertj.core.api.Assertions"));
    }
}
