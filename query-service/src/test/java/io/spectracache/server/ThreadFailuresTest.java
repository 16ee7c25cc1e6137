package io.spectracache.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

class ThreadFailuresTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now.get());
        }
    };
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ThreadFailures failures = new ThreadFailures(registry, Duration.ofSeconds(60), clock);

    @Test
    void shouldReportNotReadyWhileAReplacedThreadFailedWithinTheWindowNamingTheRootCause() {
        assertThat(failures.recentFailure()).isEmpty();

        failures.replaced(new StreamsException("task 0_1 failed", new RecordTooLargeException("record is 1.2 MB")));
        now.addAndGet(5_000);

        assertThat(failures.recentFailure()).hasValueSatisfying(reason -> assertThat(reason)
                .contains("5 s ago", "RecordTooLargeException: record is 1.2 MB"));
        assertThat(registry.get(ServerMeters.STREAM_THREADS_REPLACED.getName()).counter().count()).isEqualTo(1.0);
    }

    @Test
    void shouldStayNotReadyWhileAThreadKeepsFailingAndRecoverAfterTheWindow() {
        failures.replaced(new IllegalStateException("poison"));
        now.addAndGet(45_000);
        failures.replaced(new IllegalStateException("poison"));
        now.addAndGet(45_000);
        assertThat(failures.recentFailure()).isPresent();

        now.addAndGet(15_000);
        assertThat(failures.recentFailure()).isEmpty();
        assertThat(registry.get(ServerMeters.STREAM_THREADS_REPLACED.getName()).counter().count()).isEqualTo(2.0);
    }
}
