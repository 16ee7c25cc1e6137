package io.spectracache.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The arrows of ARCHITECTURE.md's module table, checked on the compiled classes of every module: a wrong
 * dependency fails the build here even if someone adds it to a pom.
 */
class ModuleLayeringTest {
    private static JavaClasses classes;

    // Packages owned by the query-service module: nothing below it may reach into them.
    private static final String[] SERVER_PACKAGES = {
        "io.spectracache.server..", "io.spectracache.rest..", "io.spectracache.routing..", "io.spectracache.broker..",
        "io.spectracache.writes.."};

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.spectracache");
    }

    @Test
    void shouldKeepSchemasFreeOfEveryOtherModule() {
        noClasses().that().resideInAnyPackage("io.spectracache.events..", "io.spectracache.devices..",
                        "io.spectracache.topics..", "io.spectracache.errors..", "io.spectracache.serialization..",
                        "io.spectracache.consistency..")
                .should().dependOnClassesThat().resideInAnyPackage(concat(SERVER_PACKAGES,
                        "io.spectracache.ingest..", "io.spectracache.simulator..", "io.spectracache.devicestate..",
                        "io.spectracache.keyvalue.."))
                .check(classes);
    }

    @Test
    void shouldNeverLetTopologiesDependOnTheServer() {
        noClasses().that().resideInAnyPackage("io.spectracache.ingest..", "io.spectracache.simulator..",
                        "io.spectracache.devicestate..", "io.spectracache.keyvalue..")
                .should().dependOnClassesThat().resideInAnyPackage(SERVER_PACKAGES)
                .check(classes);
    }

    @Test
    void shouldKeepAggregationTopologiesIndependentOfIngest() {
        noClasses().that().resideInAnyPackage("io.spectracache.devicestate..", "io.spectracache.keyvalue..")
                .should().dependOnClassesThat().resideInAnyPackage("io.spectracache.ingest..", "io.spectracache.simulator..")
                .check(classes);
    }

    @Test
    void shouldImportRocksDbOnlyWhereStoresAreConfigured() {
        noClasses().that().resideOutsideOfPackages("io.spectracache.storage..")
                .should().dependOnClassesThat().resideInAPackage("org.rocksdb..")
                .check(classes);
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
