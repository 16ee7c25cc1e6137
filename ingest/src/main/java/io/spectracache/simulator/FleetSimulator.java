package io.spectracache.simulator;

import static java.util.Objects.requireNonNull;

import io.spectracache.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a {@link SimulatedFleet}'s events to {@code <prefix>events.raw}, keyed by device id, at a steady target
 * rate, on a thread of its own, until closed.
 *
 * <pre>{@code
 * try (FleetSimulator simulator = FleetSimulator.connect("127.0.0.1:9092", SimulatorSettings.defaults())) {
 *     simulator.start();
 *     ...
 * }   // stops the thread, flushes and closes the producer
 * }</pre>
 *
 * <p>The rate is kept on average: after a stall (a full producer buffer, a GC pause) it catches up for at most
 * one second's worth of events rather than bursting the whole backlog. A simulator built with
 * {@link #connect(String, SimulatorSettings)} owns its producer and closes it; one given a producer leaves it open.
 */
public final class FleetSimulator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FleetSimulator.class);
    /** Longest sleep between two checks of the schedule, so close() is answered promptly at any rate. */
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final SimulatorSettings settings;
    private final Producer<String, byte[]> producer;
    private final boolean ownsProducer;
    private final Clock clock;
    private final SimulatedFleet fleet;
    private final String topic;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Thread thread;
    private volatile boolean running;
    private boolean started;
    private boolean closed;

    /**
     * A simulator that sends through {@code producer}, which it does not close; events are timestamped with
     * {@code clock}.
     */
    public FleetSimulator(SimulatorSettings settings, Producer<String, byte[]> producer, Clock clock) {
        this(settings, producer, false, clock);
    }

    private FleetSimulator(SimulatorSettings settings, Producer<String, byte[]> producer, boolean ownsProducer, Clock clock) {
        this.settings = requireNonNull(settings, "settings");
        this.producer = requireNonNull(producer, "producer");
        this.ownsProducer = ownsProducer;
        this.clock = requireNonNull(clock, "clock");
        this.fleet = new SimulatedFleet(settings);
        this.topic = Topics.EVENTS_RAW.name(settings.topicPrefix());
        this.thread = new Thread(this::run, "spectra-fleet-simulator");
        this.thread.setDaemon(true);
    }

    /**
     * A simulator with its own producer to {@code bootstrapServers}, tuned for throughput (lz4, 5 ms linger,
     * 256 KiB batches) and idempotent so that producer retries add no duplicates of their own.
     */
    public static FleetSimulator connect(String bootstrapServers, SimulatorSettings settings) {
        return connect(bootstrapServers, Map.of(), settings);
    }

    /**
     * As {@link #connect(String, SimulatorSettings)}, with producer configs that override the defaults (security,
     * client id, ...); the serializers are always the simulator's own.
     */
    public static FleetSimulator connect(String bootstrapServers, Map<String, ?> clientOverrides, SimulatorSettings settings) {
        requireNonNull(bootstrapServers, "bootstrapServers");
        requireNonNull(clientOverrides, "clientOverrides");
        Map<String, Object> config = new HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, "spectra-fleet-simulator",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"));
        config.putAll(clientOverrides);
        KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        return new FleetSimulator(settings, producer, true, Clock.systemUTC());
    }

    /**
     * Starts sending on the simulator's thread.
     *
     * @throws IllegalStateException if already started or closed
     */
    public synchronized void start() {
        if (started || closed) {
            throw new IllegalStateException(closed ? "the simulator is closed" : "the simulator is already running");
        }
        started = true;
        running = true;
        thread.start();
    }

    /** How many events were handed to the producer so far. */
    public long sentCount() {
        return sent.get();
    }

    /** How many sends the producer reported as failed so far. */
    public long failedCount() {
        return failed.get();
    }

    /** The settings this simulator runs with. */
    public SimulatorSettings settings() {
        return settings;
    }

    /** Stops sending, waits for the thread, and closes the producer if this simulator created it. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        running = false;
        if (started) {
            try {
                thread.join(CLOSE_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (ownsProducer) {
            producer.close(CLOSE_TIMEOUT);
        } else {
            producer.flush();
        }
    }

    private void run() {
        double nanosPerEvent = 1e9 / settings.eventsPerSecond();
        long maxBacklog = Math.max(1, (long) settings.eventsPerSecond());
        long start = System.nanoTime();
        long scheduled = 0;
        try {
            while (running) {
                long due = (long) ((System.nanoTime() - start) / nanosPerEvent);
                if (due - scheduled > maxBacklog) {
                    // Fell behind by more than a second: forget the backlog instead of bursting it.
                    scheduled = due - maxBacklog;
                }
                if (scheduled >= due) {
                    long wait = (long) ((scheduled + 1) * nanosPerEvent) - (System.nanoTime() - start);
                    LockSupport.parkNanos(Math.max(1, Math.min(wait, MAX_PARK_NANOS)));
                    continue;
                }
                while (scheduled < due && running) {
                    SimulatedEvent event = fleet.next(clock.instant());
                    producer.send(new ProducerRecord<>(topic, event.deviceId(), event.value()), (metadata, error) -> {
                        if (error != null && failed.getAndIncrement() == 0) {
                            LOG.warn("The fleet simulator cannot send to {}: {}", topic, error.toString());
                        }
                    });
                    sent.incrementAndGet();
                    scheduled++;
                }
            }
        } catch (RuntimeException e) {
            // The producer was closed under us, or is unusable: stop, and say why once.
            LOG.warn("The fleet simulator stopped after {} events: {}", sent.get(), e.toString());
        }
    }
}
