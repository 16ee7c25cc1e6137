package io.spectracache.sketches;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class WindowCoverTest {
    private static final long MINUTE = 60_000;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;
    private static final long MIDNIGHT = Instant.parse("2026-11-24T00:00:00Z").toEpochMilli();
    private static final List<WindowSpec> DEFAULT = WindowSpec.parseList(SketchSettings.DEFAULT_WINDOWS);

    private static Map<Long, Long> windowsBySize(WindowCover cover) {
        Map<Long, Long> bySize = new TreeMap<>();
        cover.windows().forEach(window -> bySize.merge(window.size(), 1L, Long::sum));
        return bySize;
    }

    @Test
    void shouldCoverTwentyFourHoursWithHoursAndOnlyTheMinutesAtItsEdges() {
        long from = MIDNIGHT + 10 * HOUR + 17 * MINUTE;
        long clock = from + DAY + HOUR;

        WindowCover cover = WindowCover.plan(DEFAULT, from, from + DAY, clock);

        assertThat(windowsBySize(cover)).containsExactlyInAnyOrderEntriesOf(Map.of(MINUTE, 43L + 17L, HOUR, 13L + 10L));
        assertThat(cover.from()).isEqualTo(from);
        assertThat(cover.to()).isEqualTo(from + DAY);
    }

    @Test
    void shouldUseWholeDaysWhereTheyFit() {
        long from = MIDNIGHT - 2 * HOUR;
        long to = MIDNIGHT + 3 * DAY + 30 * MINUTE;

        WindowCover cover = WindowCover.plan(DEFAULT, from, to, MIDNIGHT + 3 * DAY + 2 * HOUR);

        assertThat(windowsBySize(cover)).containsExactlyInAnyOrderEntriesOf(Map.of(MINUTE, 30L, HOUR, 2L, DAY, 3L));
        assertThat(cover.windows().get(0)).isEqualTo(new WindowCover.Window(HOUR, from));
    }

    @Test
    void shouldRoundEdgesOutwardsToTheFinestWindowStillKept() {
        long from = MIDNIGHT + 10 * HOUR + 17 * MINUTE + 30_000;
        long to = MIDNIGHT + 11 * HOUR + 2 * MINUTE + 1;

        WindowCover cover = WindowCover.plan(DEFAULT, from, to, MIDNIGHT + DAY);

        assertThat(cover.from()).isEqualTo(MIDNIGHT + 10 * HOUR + 17 * MINUTE);
        assertThat(cover.to()).isEqualTo(MIDNIGHT + 11 * HOUR + 3 * MINUTE);
        assertThat(windowsBySize(cover)).containsExactlyInAnyOrderEntriesOf(Map.of(MINUTE, 46L));
    }

    @Test
    void shouldFallBackToHoursWhereTheMinutesHaveExpired() {
        long clock = MIDNIGHT + 10 * DAY;
        long from = MIDNIGHT + 5 * DAY + 10 * HOUR + 17 * MINUTE;

        WindowCover cover = WindowCover.plan(DEFAULT, from, clock, clock);

        assertThat(cover.from()).isEqualTo(MIDNIGHT + 5 * DAY + 10 * HOUR);
        assertThat(windowsBySize(cover)).containsExactlyInAnyOrderEntriesOf(Map.of(HOUR, 14L, DAY, 4L));
    }

    @Test
    void shouldOvershootTheEndOnlyWhereItFallsInsideAWindowWhoseFinerWindowsExpired() {
        List<WindowSpec> windows = WindowSpec.parseList("1m:1h,1h:1d");
        long clock = MIDNIGHT + 12 * HOUR + 30 * MINUTE;
        // Minutes are kept from 11:29 on; the range ends at 11:45, inside the 11:00 hour, whose first minutes are gone.
        WindowCover cover = WindowCover.plan(windows, MIDNIGHT + 10 * HOUR, MIDNIGHT + 11 * HOUR + 45 * MINUTE, clock);

        assertThat(cover.windows()).containsExactly(new WindowCover.Window(HOUR, MIDNIGHT + 10 * HOUR),
                new WindowCover.Window(HOUR, MIDNIGHT + 11 * HOUR));
        assertThat(cover.to()).isEqualTo(MIDNIGHT + 12 * HOUR);
    }

    @Test
    void shouldReadTheCurrentHourAndDayAsOneWindowEachWhenTheRangeReachesPastTheClock() {
        long clock = MIDNIGHT + 7 * HOUR + 12 * MINUTE;

        // Any end at or after the end of the clock's minute: nothing can be stored after the clock.
        WindowCover lastDay = WindowCover.plan(DEFAULT, clock - DAY, clock + MINUTE, clock);
        WindowCover thisHour = WindowCover.plan(DEFAULT, MIDNIGHT + 7 * HOUR, MIDNIGHT + 8 * HOUR, clock);

        assertThat(windowsBySize(lastDay)).containsExactlyInAnyOrderEntriesOf(Map.of(MINUTE, 48L, HOUR, 16L, DAY, 1L));
        assertThat(lastDay.to()).isEqualTo(clock + MINUTE);
        assertThat(thisHour.windows()).containsExactly(new WindowCover.Window(HOUR, MIDNIGHT + 7 * HOUR));
    }

    @Test
    void shouldCutTheRangeToWhatIsStoredAndBeEmptyWhenNothingIs() {
        long clock = MIDNIGHT + 400 * DAY;

        assertThat(WindowCover.plan(DEFAULT, 0, clock, clock).from()).as("before the oldest day kept")
                .isEqualTo(MIDNIGHT + 400 * DAY - 365 * DAY);
        assertThat(WindowCover.plan(DEFAULT, clock + DAY, clock + 2 * DAY, clock).isEmpty()).isTrue();
        assertThat(WindowCover.plan(DEFAULT, 0, MIDNIGHT, clock).isEmpty()).isTrue();
        assertThat(WindowCover.plan(DEFAULT, MIDNIGHT, MIDNIGHT + HOUR, Long.MIN_VALUE).isEmpty())
                .as("a partition that has seen nothing").isTrue();
        assertThatThrownBy(() -> WindowCover.plan(DEFAULT, MIDNIGHT, MIDNIGHT, clock))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Provide
    Arbitrary<List<WindowSpec>> windowLists() {
        return Arbitraries.of(DEFAULT, WindowSpec.parseList("1m:1h,1h:1d"), WindowSpec.parseList("1m:1d,15m:2d,1h:7d"),
                WindowSpec.parseList("10s:10m,1m:2h,1h:2h,1d:30d"), WindowSpec.parseList("1h:30d"));
    }

    /**
     * For any range and clock: the windows are contiguous from {@code from()}, aligned and still kept; they cover the
     * part of the range that can hold events; and no coarser window that is kept and lies inside the cover was split
     * into finer ones (the cover is the coarsest).
     */
    @Property(tries = 2_000)
    void shouldCoverTheStoredPartOfAnyRangeExactlyWithTheCoarsestKeptWindows(
            @ForAll("windowLists") List<WindowSpec> windows,
            @ForAll @LongRange(min = 0, max = 40 * DAY) long fromOffset,
            @ForAll @LongRange(min = 1, max = 40 * DAY) long length,
            @ForAll @LongRange(min = 0, max = 60 * DAY) long clockOffset) {
        long from = MIDNIGHT + fromOffset - 20 * DAY;
        long to = from + length;
        long clock = MIDNIGHT + clockOffset - 20 * DAY;

        WindowCover cover = WindowCover.plan(windows, from, to, clock);

        WindowSpec finest = windows.get(0);
        WindowSpec coarsest = windows.get(windows.size() - 1);
        long newestEnd = finest.startOf(clock) + finest.sizeMs();
        long oldestKept = Math.floorDiv(coarsest.expiredUpTo(clock), coarsest.sizeMs()) * coarsest.sizeMs()
                + coarsest.sizeMs();
        long storedFrom = Math.max(from, oldestKept);
        long storedTo = Math.min(to, newestEnd);
        if (cover.isEmpty()) {
            assertThat(storedFrom).as("empty only when nothing can be stored in range").isGreaterThanOrEqualTo(storedTo);
            return;
        }
        long at = cover.from();
        for (WindowCover.Window window : cover.windows()) {
            WindowSpec spec = windows.stream().filter(w -> w.sizeMs() == window.size()).findFirst().orElseThrow();
            assertThat(window.start()).as("contiguous").isEqualTo(at);
            assertThat(Math.floorMod(window.start(), window.size())).as("aligned").isZero();
            assertThat(spec.isKept(window.start(), clock)).as("kept: %s", window).isTrue();
            at = window.end();
        }
        assertThat(cover.from()).as("starts at or before the stored part").isLessThanOrEqualTo(storedFrom)
                .isGreaterThan(storedFrom - coarsest.sizeMs());
        assertThat(Math.max(at, cover.to())).as("ends at or after the stored part").isGreaterThanOrEqualTo(storedTo);
        boolean openEnd = to >= newestEnd;
        long limit = openEnd ? Long.MAX_VALUE : at;
        for (WindowCover.Window window : cover.windows()) {
            for (WindowSpec coarser : windows) {
                if (coarser.sizeMs() <= window.size()) {
                    continue;
                }
                long start = coarser.startOf(window.start());
                boolean couldHaveBeenOne = start >= cover.from() && start + coarser.sizeMs() <= limit
                        && coarser.isKept(start, clock);
                assertThat(couldHaveBeenOne).as("%s inside a kept window of %s at %s", window, coarser, start).isFalse();
            }
        }
    }
}
