package io.spectracache.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.spectracache.capability.Capability;
import io.spectracache.topology.CapabilityTopology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The arrows of ARCHITECTURE.md's module table and the independence of capabilities, checked on the compiled classes
 * of every module. The rules name modules and find capabilities by what they implement, never by package name, so a
 * new capability package is checked without editing this test.
 */
class ModuleLayeringTest {
    /** Each module and the modules it may depend on (ARCHITECTURE.md): dependencies point down the table. */
    private static final Map<String, Set<String>> MAY_DEPEND_ON = Map.of(
            "schemas", Set.of(),
            "compliance", Set.of("schemas"),
            "ingest", Set.of("schemas", "compliance"),
            "aggregation-topologies", Set.of("schemas"),
            "dashboard", Set.of(),
            "query-service", Set.of("schemas", "compliance", "ingest", "aggregation-topologies", "dashboard"));

    private static final Map<String, String> MODULE_OF_CLASS = new HashMap<>();
    private static JavaClasses all;

    @BeforeAll
    static void importEveryModule() {
        List<Path> locations = new ArrayList<>();
        for (String module : MAY_DEPEND_ON.keySet()) {
            Path classes = Path.of("..", module, "target", "classes");
            if (!Files.isDirectory(classes)) {
                continue; // a module without main classes yet (dashboard's assets only, say)
            }
            locations.add(classes);
            new ClassFileImporter().importPath(classes)
                    .forEach(javaClass -> MODULE_OF_CLASS.put(javaClass.getName(), module));
        }
        all = new ClassFileImporter().importPaths(locations);
        assertThat(MODULE_OF_CLASS).as("compiled classes of the modules").isNotEmpty();
    }

    @Test
    void shouldLetEveryModuleDependOnlyOnModulesAboveIt() {
        List<String> wrong = new ArrayList<>();
        for (JavaClass javaClass : all) {
            String from = MODULE_OF_CLASS.get(javaClass.getName());
            for (Dependency dependency : javaClass.getDirectDependenciesFromSelf()) {
                String to = MODULE_OF_CLASS.get(dependency.getTargetClass().getName());
                if (from != null && to != null && !to.equals(from) && !MAY_DEPEND_ON.get(from).contains(to)) {
                    wrong.add(from + " → " + to + ": " + dependency.getDescription());
                }
            }
        }
        assertThat(wrong).as("dependencies against the module table").isEmpty();
    }

    @Test
    void shouldKeepCapabilitiesIndependentOfEachOther() {
        Set<String> capabilityPackages = new TreeSet<>();
        for (JavaClass javaClass : all) {
            if (javaClass.isAssignableTo(Capability.class) || javaClass.isAssignableTo(CapabilityTopology.class)) {
                if (!javaClass.isInterface() && !javaClass.getPackageName().equals("io.spectracache.topology")
                        && !javaClass.getPackageName().startsWith("io.spectracache.server")) {
                    capabilityPackages.add(javaClass.getPackageName());
                }
            }
        }
        assertThat(capabilityPackages).as("capability packages found").contains("io.spectracache.ingest",
                "io.spectracache.devicestate", "io.spectracache.keyvalue");
        List<String> wrong = new ArrayList<>();
        for (JavaClass javaClass : all) {
            String from = javaClass.getPackageName();
            if (!capabilityPackages.contains(from)) {
                continue;
            }
            for (Dependency dependency : javaClass.getDirectDependenciesFromSelf()) {
                String to = dependency.getTargetClass().getPackageName();
                if (!to.equals(from) && capabilityPackages.contains(to)) {
                    wrong.add(from + " → " + to + ": " + dependency.getDescription());
                }
            }
        }
        assertThat(wrong).as("a capability reaching into another").isEmpty();
    }

    @Test
    void shouldImportRocksDbOnlyWhereStoresAreConfigured() {
        noClasses().that().resideOutsideOfPackages("io.spectracache.storage..")
                .should().dependOnClassesThat().resideInAPackage("org.rocksdb..")
                .check(all);
    }

    @Test
    void shouldKeepTransportsOutOfQueriesAndTopologies() {
        noClasses().that().resideInAnyPackage("io.spectracache.query..", "io.spectracache.routing..",
                        "io.spectracache.topology..")
                .should().dependOnClassesThat().resideInAnyPackage("io.javalin..", "org.eclipse.jetty..")
                .check(all);
    }
}
