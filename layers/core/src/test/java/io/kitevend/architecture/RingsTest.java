package io.kitevend.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The core's compiled classes (not its tests) keep the rules of {@link Rings}. */
@AnalyzeClasses(packages = "io.kitevend", importOptions = ImportOption.DoNotIncludeTests.class)
class RingsTest {
    @ArchTest
    static final ArchRule rings = Rings.RINGS;

    @ArchTest
    static final ArchRule noPackageCycles = Rings.NO_PACKAGE_CYCLES;

    @ArchTest
    static final ArchRule domainWithoutAws = Rings.DOMAIN_WITHOUT_AWS;

    @ArchTest
    static final ArchRule domainWithoutOuterRings = Rings.DOMAIN_WITHOUT_OUTER_RINGS;

    @ArchTest
    static final ArchRule configurationWithoutClients = Rings.CONFIGURATION_WITHOUT_CLIENTS;

    @ArchTest
    static final ArchRule coreWithoutItsUsers = Rings.CORE_WITHOUT_ITS_USERS;
}
