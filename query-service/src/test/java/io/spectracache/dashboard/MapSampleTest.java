package io.spectracache.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.spectracache.devices.DeviceState;
import io.spectracache.events.DeviceEvent;
import io.spectracache.events.GeoPoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

class MapSampleTest {
    private static final int FLEET = 25;

    private static DeviceState device(int i, boolean located) {
        String id = String.format("dev-%03d", i);
        Instant at = Instant.parse("2026-11-30T10:00:00Z");
        DeviceEvent event = new DeviceEvent(id, at, "e" + i, null, Map.of(), located ? new GeoPoint(52.5, 13.4 + i / 100.0) : null, Map.of());
        return new DeviceState(id, event, at, at, 1, Map.of(), event.location());
    }

    // The fleet in id order, a page from a cursor (exclusive), as the device scan answers.
    private static MapSample.Page scan(String cursor, int limit, boolean everyOtherLocated) {
        List<DeviceState> page = new ArrayList<>();
        for (int i = 0; i < FLEET && page.size() < limit; i++) {
            DeviceState state = device(i, !everyOtherLocated || i % 2 == 0);
            if (cursor == null || state.deviceId().compareTo(cursor) > 0) {
                page.add(state);
            }
        }
        String next = page.size() == limit && !page.get(limit - 1).deviceId().equals(device(FLEET - 1, true).deviceId())
                ? page.get(limit - 1).deviceId() : null;
        return new MapSample.Page(page, next);
    }

    /** A clock a second further on at every reading: every refresh reads a page. */
    private static LongSupplier everySecond() {
        AtomicLong now = new AtomicLong();
        return () -> now.addAndGet(MapSample.MIN_REFRESH_NANOS);
    }

    @Test
    void shouldNeverShipMoreDevicesThanItsCapacityHoweverLargeTheFleet() {
        MapSample sample = new MapSample(8, 5, (cursor, limit) -> scan(cursor, limit, false), everySecond());

        for (int refresh = 0; refresh < 10; refresh++) {
            assertThat(sample.refresh().devices().size()).isLessThanOrEqualTo(8);
        }
    }

    @Test
    void shouldMoveThroughTheWholeFleetAndStartOverAtTheEnd() {
        MapSample sample = new MapSample(100, 10, (cursor, limit) -> scan(cursor, limit, false), everySecond());

        assertThat(sample.refresh().devices()).hasSize(10);
        assertThat(sample.refresh().devices()).hasSize(20);
        assertThat(sample.refresh().devices()).hasSize(FLEET);
        assertThat(sample.refresh().devices()).as("started over: the same devices, newest positions").hasSize(FLEET);
    }

    @Test
    void shouldLeaveOutDevicesThatNeverSentAPosition() {
        MapSample sample = new MapSample(100, 100, (cursor, limit) -> scan(cursor, limit, true), everySecond());

        assertThat(sample.refresh().devices()).hasSize((FLEET + 1) / 2)
                .allSatisfy(point -> assertThat(point.lat()).isEqualTo(52.5));
    }

    @Test
    void shouldScanOnceASecondHoweverManyPagesAskForTheMap() {
        AtomicInteger scans = new AtomicInteger();
        AtomicLong now = new AtomicLong();
        MapSample sample = new MapSample(100, 10, (cursor, limit) -> {
            scans.incrementAndGet();
            return scan(cursor, limit, false);
        }, now::get);

        for (int page = 0; page < 100; page++) {
            sample.refresh();
        }
        assertThat(scans).as("a hundred pages asking within a second").hasValue(1);
        now.addAndGet(MapSample.MIN_REFRESH_NANOS);
        assertThat(sample.refresh().devices()).as("a second later: one more page").hasSize(20);
        assertThat(scans).hasValue(2);
    }
}
