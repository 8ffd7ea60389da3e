package io.kitevend.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.stream.Stream;

/**
 * The dependency rules of the core, as rings: a ring may use its own packages (without cycles)
 * and the rings inside it, never one outside it.
 *
 * <ol>
 *   <li><b>domain</b>: plain Java (with Jackson through {@code io.kitevend.json}, and Nimbus),
 *       testable without any endpoint;
 *   <li><b>adapters</b>: {@code aws} (every class that uses the AWS SDK) and {@code lambda} (API
 *       Gateway events to and from {@code HttpRequest}/{@code HttpResponse});
 *   <li><b>configuration</b>: {@code config}, read from environment variables;
 *   <li><b>composition</b>: {@code assembly} (configuration + adapters + use cases) and {@code
 *       snapstart}.
 * </ol>
 *
 * The functions, the local runner and the benchmarks use the core; the core never uses them.
 * {@link RingsTest} checks every rule here on the core's classes.
 */
final class Rings {
    static final String[] DOMAIN = {
        "io.kitevend",
        "io.kitevend.text..",
        "io.kitevend.json..",
        "io.kitevend.http..",
        "io.kitevend.token..",
        "io.kitevend.binding..",
        "io.kitevend.replay..",
        "io.kitevend.audit..",
        "io.kitevend.credentials..",
        "io.kitevend.job..",
        "io.kitevend.vend..",
        "io.kitevend.secrets..",
        "io.kitevend.admin..",
        "io.kitevend.report.."
    };
    static final String[] ADAPTERS = {"io.kitevend.aws..", "io.kitevend.lambda.."};
    static final String[] CONFIGURATION = {"io.kitevend.config.."};
    static final String[] COMPOSITION = {"io.kitevend.assembly..", "io.kitevend.snapstart.."};

    /** What the core is deployed beside, and must never use. */
    static final String[] OUTSIDE_THE_CORE = {"io.kitevend.function..", "io.kitevend.local..", "io.kitevend.bench.."};

    private Rings() {}

    /** Each core package in one ring; each ring used only from the rings around it. */
    @ArchTest
    static final ArchRule RINGS = layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .ensureAllClassesAreContainedInArchitecture()
            .layer("domain")
            .definedBy(DOMAIN)
            .layer("adapters")
            .definedBy(ADAPTERS)
            .layer("configuration")
            .definedBy(CONFIGURATION)
            .layer("composition")
            .definedBy(COMPOSITION)
            .whereLayer("composition")
            .mayNotBeAccessedByAnyLayer()
            .whereLayer("configuration")
            .mayOnlyBeAccessedByLayers("composition")
            .whereLayer("adapters")
            .mayOnlyBeAccessedByLayers("configuration", "composition")
            .whereLayer("domain")
            .mayOnlyBeAccessedByLayers("adapters", "configuration", "composition");

    /** No two packages use each other, directly or through others (each package is its own slice). */
    @ArchTest
    static final ArchRule NO_PACKAGE_CYCLES =
            slices().matching("io.kitevend.(**)").should().beFreeOfCycles();

    /** The domain is plain Java: no AWS SDK, no Lambda types, no CRaC. */
    @ArchTest
    static final ArchRule DOMAIN_WITHOUT_AWS = noClasses()
            .that()
            .resideInAnyPackage(DOMAIN)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("software.amazon.awssdk..", "com.amazonaws..", "org.crac..");

    /** The domain never uses the outer rings (also part of {@link #RINGS}, stated on its own). */
    @ArchTest
    static final ArchRule DOMAIN_WITHOUT_OUTER_RINGS = noClasses()
            .that()
            .resideInAnyPackage(DOMAIN)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(Stream.of(ADAPTERS, CONFIGURATION, COMPOSITION)
                    .flatMap(Stream::of)
                    .toArray(String[]::new));

    /** Configuration reads the environment into domain types; of the AWS SDK it may use only {@code Region}. */
    @ArchTest
    static final ArchRule CONFIGURATION_WITHOUT_CLIENTS = noClasses()
            .that()
            .resideInAnyPackage(CONFIGURATION)
            .should()
            .dependOnClassesThat(resideInAnyPackage("software.amazon.awssdk..", "com.amazonaws..", "org.crac..")
                    .and(not(resideInAPackage("software.amazon.awssdk.regions.."))));

    /** The core never uses the functions, the local runner or the benchmarks. */
    @ArchTest
    static final ArchRule CORE_WITHOUT_ITS_USERS = noClasses()
            .that()
            .resideInAPackage("io.kitevend..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(OUTSIDE_THE_CORE);
}
