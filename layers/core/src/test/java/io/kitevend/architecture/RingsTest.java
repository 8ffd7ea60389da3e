package io.kitevend.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchTests;

/** The core's compiled classes (not its tests) keep every rule of {@link Rings}. */
@AnalyzeClasses(packages = "io.kitevend", importOptions = ImportOption.DoNotIncludeTests.class)
class RingsTest {
    @ArchTest
    static final ArchTests rings = ArchTests.in(Rings.class);
}
