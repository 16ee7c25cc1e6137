package io.spectracache.server;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The last resort of a stop: if the process is still stopping when the deadline passes, it halts. Every stage of
 * {@link SpectraCache#close()} is bounded on its own; this bounds the sum, whatever state the threads are in (a
 * stream thread stuck in a RocksDB call, a broker that waits for a controller that is gone). Halting is as safe as
 * a crash: every acknowledged write is in Kafka, and the data directory's lock dies with the process.
 *
 * <pre>{@code
 * ShutdownDeadline.start(Duration.ofSeconds(8));   // first thing in the shutdown hook
 * cache.close();
 * }</pre>
 */
final class ShutdownDeadline {
    /** The exit status of a process that had to be halted. */
    static final int HALTED_STATUS = 124;

    private ShutdownDeadline() {
    }

    /** Starts the countdown on a daemon thread; the process halts when it ends. */
    static Thread start(Duration timeout) {
        requireNonNull(timeout, "timeout");
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(timeout.toMillis());
            } catch (InterruptedException e) {
                return; // only a test interrupts it
            }
            // Straight to stderr: logging may already be shut down by its own hook.
            System.err.println("SpectraCache did not stop within " + timeout.toMillis() + " ms ("
                    + ReliabilitySettings.SHUTDOWN_TIMEOUT_MS_CONFIG + "); halting");
            Runtime.getRuntime().halt(HALTED_STATUS);
        }, "spectracache-shutdown-deadline");
        watchdog.setDaemon(true);
        watchdog.start();
        return watchdog;
    }
}
