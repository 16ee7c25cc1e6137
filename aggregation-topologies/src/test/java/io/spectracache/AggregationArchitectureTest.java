package io.spectracache;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** STYLE rules 1–4 for this module, so that a wrong arrow fails the build. */
class AggregationArchitectureTest {
    private static final JavaClasses MODULE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.spectracache.devicestate", "io.spectracache.keyvalue");

    @Test
    void shouldNeverImportRocksDbDirectly() {
        noClasses().should().dependOnClassesThat().resideInAPackage("org.rocksdb..").check(MODULE);
    }

    @Test
    void shouldDependOnNoModuleBelowItInTheTable() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(
                "io.spectracache.ingest..", "io.spectracache.compliance..", "io.spectracache.query..",
                "io.spectracache.routing..", "io.javalin..", "org.apache.arrow..").check(MODULE);
    }

    @Test
    void shouldKeepCapabilitiesIndependentOfEachOther() {
        noClasses().that().resideInAPackage("io.spectracache.keyvalue..")
                .should().dependOnClassesThat().resideInAPackage("io.spectracache.devicestate..").check(MODULE);
        noClasses().that().resideInAPackage("io.spectracache.devicestate..")
                .should().dependOnClassesThat().resideInAPackage("io.spectracache.keyvalue..").check(MODULE);
    }
}
