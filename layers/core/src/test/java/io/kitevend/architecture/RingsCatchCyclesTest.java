package io.kitevend.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

/**
 * The cycle rule is not vacuous: on {@code io.kitevend.archfixture}, two test-only packages that
 * use each other, the same rule object that {@link RingsTest} checks reports the cycle.
 */
class RingsCatchCyclesTest {
    private static final JavaClasses FIXTURE = new ClassFileImporter().importPackages("io.kitevend.archfixture");

    @Test
    void theFixtureIsThere() {
        assertThat(FIXTURE.stream().map(c -> c.getName()))
                .containsExactlyInAnyOrder(
                        "io.kitevend.archfixture.first.First", "io.kitevend.archfixture.second.Second");
    }

    @Test
    void twoPackagesThatUseEachOtherAreACycle() {
        EvaluationResult result = Rings.NO_PACKAGE_CYCLES.evaluate(FIXTURE);

        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().toString())
                .contains("Cycle detected")
                .contains("archfixture.first")
                .contains("archfixture.second");
    }
}
