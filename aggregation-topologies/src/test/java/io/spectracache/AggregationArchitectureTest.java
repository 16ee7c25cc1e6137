package io.spectracache;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * STYLE rules 1–4 for this module's own classes (whatever capability packages it holds), so that a wrong arrow
 * fails the build here; the module table as a whole is checked in query-service's ModuleLayeringTest.
 */
class AggregationArchitectureTest {
    private static final JavaClasses MODULE = new ClassFileImporter().importPath(Path.of("target", "classes"));

    @Test
    void shouldNeverImportRocksDbOutsideStoreConfiguration() {
        noClasses().that().resideOutsideOfPackages("io.spectracache.storage..")
                .should().dependOnClassesThat().resideInAPackage("org.rocksdb..").check(MODULE);
    }

    @Test
    void shouldDependOnNoTransportOrServerCode() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(
                "io.spectracache.query..", "io.spectracache.routing..", "io.spectracache.rest..",
                "io.spectracache.server..", "io.javalin..", "org.apache.arrow..").check(MODULE);
    }
}
