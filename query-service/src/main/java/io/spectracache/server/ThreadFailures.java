package io.spectracache.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Remembers stream thread failures, so that readiness tells the truth while a thread fails and is replaced, and
 * counts them ({@link ServerMeters#STREAM_THREADS_REPLACED}). A thread that fails again and again (the same poison
 * record after each replacement) keeps the instance not ready for as long as it does.
 */
final class ThreadFailures {
    private record Failure(long atMillis, String what) {
    }

    private final Counter replaced;
    private final Duration window;
    private final Clock clock;
    private final AtomicReference<Failure> last = new AtomicReference<>();

    ThreadFailures(MeterRegistry registry, Duration window, Clock clock) {
        this.replaced = Counter.builder(ServerMeters.STREAM_THREADS_REPLACED.getName())
                .description("Stream threads that failed and were replaced")
                .register(registry);
        this.window = window;
        this.clock = clock;
    }

    void replaced(Throwable error) {
        replaced.increment();
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        last.set(new Failure(clock.millis(), root.getClass().getSimpleName()
                + (root.getMessage() == null ? "" : ": " + root.getMessage())));
    }

    /** Why the instance is not ready because of a recent failure, if it is not. */
    Optional<String> recentFailure() {
        Failure failure = last.get();
        if (failure == null) {
            return Optional.empty();
        }
        long ago = clock.millis() - failure.atMillis();
        if (ago >= window.toMillis()) {
            return Optional.empty();
        }
        return Optional.of("a stream thread failed " + Duration.ofMillis(ago).toSeconds() + " s ago and was replaced ("
                + failure.what() + "); ready again after " + window.toSeconds() + " s without a failure");
    }
}
