package io.spectracache.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;
import static org.awaitility.Awaitility.await;

import io.spectracache.errors.RejectReason;
import io.spectracache.events.DeviceEvent;
import io.spectracache.events.GeoPoint;
import io.spectracache.ingest.EventValidator;
import io.spectracache.ingest.IngestSettings;
import io.spectracache.ingest.ValidationResult;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class FleetSimulatorTest {
    private static final Instant START = Instant.parse("2026-11-24T19:00:00Z");
    private static final int EVENTS = 20_000;
    /** 100 events per second: 20,000 events span 200 s, so vehicles move about a kilometre. */
    private static final Duration STEP = Duration.ofMillis(10);

    private final SimulatorSettings settings = new SimulatorSettings("spectra.", 200, 100, 0.10, 0.05, 42L);

    private static List<SimulatedEvent> generate(SimulatorSettings settings, int count) {
        SimulatedFleet fleet = new SimulatedFleet(settings);
        List<SimulatedEvent> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            events.add(fleet.next(START.plus(STEP.multipliedBy(i))));
        }
        return events;
    }

    private static EventValidator validatorAtEnd() {
        return new EventValidator(IngestSettings.defaults(),
                Clock.fixed(START.plus(STEP.multipliedBy(EVENTS)), ZoneOffset.UTC));
    }

    @Test
    void shouldGenerateEventsThatValidateExceptTheIntendedMalformedFraction() {
        EventValidator validator = validatorAtEnd();
        Map<SimulatedEvent.Kind, Integer> kinds = new EnumMap<>(SimulatedEvent.Kind.class);
        int rejected = 0;
        for (SimulatedEvent event : generate(settings, EVENTS)) {
            kinds.merge(event.kind(), 1, Integer::sum);
            ValidationResult result = validator.validate(event.value());
            assertThat(result instanceof ValidationResult.Accepted).as("%s %s", event.kind(),
                    new String(event.value(), StandardCharsets.UTF_8)).isEqualTo(event.kind().isValid());
            if (result instanceof ValidationResult.Rejected rejection) {
                rejected++;
                assertThat(rejection.reason()).isEqualTo(expectedReason(event.kind()));
            }
        }

        assertThat(rejected / (double) EVENTS).isCloseTo(0.10, offset(0.01));
        assertThat(kinds.get(SimulatedEvent.Kind.DUPLICATE) / (double) EVENTS)
                .isCloseTo(0.05, offset(0.01));
        // Every kind of bad input occurs, so ingest's every DLQ path is exercised by a simulated fleet.
        assertThat(kinds).containsKeys(SimulatedEvent.Kind.values());
    }

    private static RejectReason expectedReason(SimulatedEvent.Kind kind) {
        return switch (kind) {
            case MALFORMED_JSON -> RejectReason.MALFORMED_JSON;
            case MISSING_TIMESTAMP -> RejectReason.MISSING_FIELD;
            case INVALID_COORDINATES -> RejectReason.INVALID_COORDINATES;
            case WRONG_TYPE -> RejectReason.WRONG_TYPE;
            default -> throw new AssertionError("valid kind " + kind);
        };
    }

    @Test
    void shouldGiveEveryNewEventAUniqueIdAndResendDuplicatesVerbatim() {
        Set<String> ids = new HashSet<>();
        Map<String, byte[]> bytesById = new HashMap<>();
        for (SimulatedEvent event : generate(settings, EVENTS)) {
            if (event.kind() == SimulatedEvent.Kind.DUPLICATE) {
                assertThat(bytesById.get(event.eventId())).isSameAs(event.value());
            } else {
                assertThat(ids.add(event.eventId())).as("fresh id %s", event.eventId()).isTrue();
                bytesById.put(event.eventId(), event.value());
            }
        }
    }

    @Test
    void shouldMoveVehiclesWithinTheRegionAtPlausibleSpeedsAndKeepMetersStill() {
        EventValidator validator = validatorAtEnd();
        Map<String, List<DeviceEvent>> byDevice = new HashMap<>();
        for (SimulatedEvent event : generate(settings.withMalformedFraction(0).withDuplicateFraction(0), EVENTS)) {
            DeviceEvent parsed = ((ValidationResult.Accepted) validator.validate(event.value())).event();
            byDevice.computeIfAbsent(parsed.deviceId(), id -> new ArrayList<>()).add(parsed);
        }

        int moved = 0;
        for (List<DeviceEvent> track : byDevice.values()) {
            GeoPoint first = track.get(0).location();
            GeoPoint last = track.get(track.size() - 1).location();
            for (DeviceEvent event : track) {
                assertThat(event.location().lat()).isBetween(SimulatedFleet.MIN_LAT, SimulatedFleet.MAX_LAT);
                assertThat(event.location().lon()).isBetween(SimulatedFleet.MIN_LON, SimulatedFleet.MAX_LON);
            }
            String deviceId = track.get(0).deviceId();
            if (deviceId.startsWith("meter-")) {
                assertThat(last).isEqualTo(first);
                assertThat(track.get(0).metrics()).containsKeys("voltage", "powerKw", "temp");
            } else {
                assertThat(track.get(0).metrics()).containsKeys("speed", "fuel", "battery", "temp");
                assertThat(track).allSatisfy(e -> assertThat(e.metrics().get("speed")).isBetween(0.0, 110.0));
                if (!last.equals(first)) {
                    moved++;
                }
            }
        }
        assertThat(moved).isGreaterThan(byDevice.size() / 2);
    }

    @Test
    void shouldGenerateTheSameBytesForTheSameSeedAndDifferentBytesForAnother() {
        List<SimulatedEvent> once = generate(settings, 500);
        List<SimulatedEvent> again = generate(settings, 500);
        List<SimulatedEvent> other = generate(settings.withSeed(43), 500);

        for (int i = 0; i < once.size(); i++) {
            assertThat(again.get(i).value()).isEqualTo(once.get(i).value());
        }
        assertThat(other.get(0).value()).isNotEqualTo(once.get(0).value());
    }

    @Test
    void shouldNameDevicesByKindWithZeroPaddedNumbers() {
        List<String> ids = new SimulatedFleet(settings).deviceIds();

        assertThat(ids).hasSize(200).doesNotHaveDuplicates()
                .allMatch(id -> id.matches("(truck|van|meter)-\\d{4}"))
                .contains("truck-0001", "van-0001", "meter-0001");
    }

    @Test
    void shouldSendToTheRawTopicKeyedByDeviceUntilClosed() {
        MockProducer<String, byte[]> producer =
                new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        FleetSimulator simulator = new FleetSimulator(settings.withEventsPerSecond(2_000), producer, Clock.systemUTC());

        simulator.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> simulator.sentCount() >= 200);
        simulator.close();
        long sentAtClose = simulator.sentCount();

        List<ProducerRecord<String, byte[]>> history = producer.history();
        assertThat(history).hasSize((int) sentAtClose);
        assertThat(history).allSatisfy(record -> {
            assertThat(record.topic()).isEqualTo("spectra.events.raw");
            assertThat(new String(record.value(), StandardCharsets.UTF_8)).startsWith("{\"deviceId\":\"" + record.key() + "\"");
        });
        assertThat(simulator.failedCount()).isZero();
        assertThat(producer.closed()).as("a given producer stays open").isFalse();
    }

    @Test
    void shouldKeepToTheTargetRate() {
        MockProducer<String, byte[]> producer =
                new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        long began = System.nanoTime();
        FleetSimulator simulator = new FleetSimulator(settings.withEventsPerSecond(1_000), producer, Clock.systemUTC());
        try {
            simulator.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> simulator.sentCount() >= 300);
        } finally {
            simulator.close();
        }
        double seconds = (System.nanoTime() - began) / 1e9;

        // Never faster than the rate (plus the one event due at time zero); slower only by scheduling noise.
        assertThat(simulator.sentCount()).isLessThanOrEqualTo((long) (1_000 * seconds) + 1);
        assertThat(seconds).isGreaterThanOrEqualTo(0.299);
    }

    @Test
    void shouldRefuseToStartTwiceOrAfterClose() {
        MockProducer<String, byte[]> producer =
                new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        FleetSimulator simulator = new FleetSimulator(settings, producer, Clock.systemUTC());
        simulator.start();

        assertThatThrownBy(simulator::start).isInstanceOf(IllegalStateException.class);
        simulator.close();
        simulator.close();
        assertThatThrownBy(simulator::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldRejectImpossibleSettings() {
        assertThatThrownBy(() -> settings.withDevices(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> settings.withEventsPerSecond(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> settings.withMalformedFraction(0.7).withDuplicateFraction(0.5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> settings.withDuplicateFraction(-0.1)).isInstanceOf(IllegalArgumentException.class);
    }
}
