package io.spectracache.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirLockTest {
    @TempDir
    Path dir;

    @Test
    void shouldRefuseASecondLockOnTheSameDirectoryNamingTheDirectoryAndTheOwner() {
        try (DataDirLock first = DataDirLock.acquire(dir)) {
            assertThat(first.file()).exists();
            assertThatThrownBy(() -> DataDirLock.acquire(dir.resolve(".")))
                    .isInstanceOfSatisfying(DataDirectoryInUseException.class, refused -> {
                        assertThat(refused.dataDir()).isEqualTo(dir.toAbsolutePath().normalize());
                        assertThat(refused.ownerPid()).hasValue(ProcessHandle.current().pid());
                    })
                    .hasMessageContaining(dir.toAbsolutePath().normalize().toString())
                    .hasMessageContaining("process " + ProcessHandle.current().pid())
                    .hasMessageContaining("--data-dir");
        }
    }

    @Test
    void shouldKeepTheOperatingSystemLockWhenASecondInstanceInTheSameJvmIsRefused() throws Exception {
        try (DataDirLock first = DataDirLock.acquire(dir)) {
            assertThatThrownBy(() -> DataDirLock.acquire(dir)).isInstanceOf(DataDirectoryInUseException.class);
            // On Linux, closing any channel on the lock file drops this JVM's lock: another process would get in.
            Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), Probe.class.getName(), dir.toString())
                    .redirectErrorStream(true).start();
            String output = new String(other.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(other.waitFor()).as(output).isEqualTo(3);
            assertThat(output).contains("in use by process " + ProcessHandle.current().pid());
        }
    }

    /** Another process trying the directory: exit 0 if it got the lock, 3 if refused. */
    static final class Probe {
        public static void main(String[] args) {
            try (DataDirLock lock = DataDirLock.acquire(Path.of(args[0]))) {
                System.out.println("locked " + lock.file());
                System.exit(0);
            } catch (DataDirectoryInUseException refused) {
                System.out.println(refused.getMessage());
                System.exit(3);
            }
        }
    }

    @Test
    void shouldLetTheNextInstanceInOnceTheFirstReleasedTheDirectory() {
        DataDirLock first = DataDirLock.acquire(dir);
        first.close();
        first.close(); // idempotent
        try (DataDirLock second = DataDirLock.acquire(dir)) {
            assertThat(second.file()).exists();
        }
    }

    @Test
    void shouldCreateAMissingDataDirectory() {
        Path missing = dir.resolve("not/yet/there");
        try (DataDirLock lock = DataDirLock.acquire(missing)) {
            assertThat(Files.isDirectory(missing)).isTrue();
            assertThat(lock.file().getFileName().toString()).isEqualTo(DataDirLock.FILE_NAME);
        }
    }
}
