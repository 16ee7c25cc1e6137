package io.spectracache.sketches;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.spectracache.events.DeviceEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Updates every sketch, filter and watch list with each validated event, on the partition that holds the event. One
 * per task.
 *
 * <p>Per event, objects only: the event's field values are read once each; for every windowed sketch, the window
 * objects of its lanes (all groups, and the event's group) for each size are found in a per-lane cache of the
 * current and previous window of that size, updated, and {@code put} back into the write-behind
 * {@code sketches-windows}, which serialises each changed window once per commit (a window nobody touched since the
 * last commit is not written again). A membership filter adds the value only when no layer may hold it, and writes
 * only the block it changed. A device sends many events per window: an item that {@link CountedItems} remembers a
 * distinct count's lane (in the same finest window) or a filter already holds is not counted again, which changes no
 * byte of either and costs one lookup instead of hashing and probing each window. A watch list costs one lookup in
 * its global store per item and second (answers are remembered for {@link #WATCH_MEMORY}).
 *
 * <p>Expiry: when the partition's clock (newest event time) passes a finest-window boundary, each lane's windows
 * whose retention passed are deleted by a range read over that lane and size starting at its oldest window still
 * stored: never a scan of anything live. A lane whose newest window expired everywhere is forgotten.
 *
 * <p>State is loaded from the stores on the first event after {@link #init} (so a task restored from its changelog,
 * and a test that restores stores by hand, start from what is stored), never before.
 */
final class SketchProcessor implements Processor<String, DeviceEvent, String, DeviceEvent> {
    /** Longest group value or top-K item, in UTF-8 bytes: both become part of keys or images. */
    static final int MAX_TEXT_BYTES = 256;
    /** Lanes (sketch and group) kept as objects per sketch; the rest are read back from the store when they recur. */
    static final int CACHED_LANES = 1_024;
    /**
     * How long (wall clock) a watch-list answer is remembered per task: a list change reaches every event after at most
     * this long. A lookup in the global store costs about 2.4 µs of stream-thread CPU (measured with one list), a
     * remembered answer a hash lookup.
     */
    static final Duration WATCH_MEMORY = Duration.ofSeconds(1);
    /** Answers remembered per watch list at most (forgotten all at once past it). */
    static final int WATCH_MEMORY_ITEMS = 100_000;

    private final MeterRegistry meters;
    private final List<SketchField> fields = new ArrayList<>();
    private final Windowed[] windowed;
    private final Filter[] filters;
    private final Watch[] watches;
    private final long finest;

    /** Items a distinct count's lane or a filter already holds, so that counting them again is skipped. */
    private final CountedItems counted = new CountedItems();
    private final String[] values;
    private final byte[][] utf8;
    private final boolean[] read;

    private ProcessorContext<String, DeviceEvent> context;
    private KeyValueStore<Bytes, SketchWindow> windows;
    private KeyValueStore<Bytes, SeenRange> seen;
    private KeyValueStore<Bytes, BloomBlock> blocks;
    private boolean loaded;
    private long clock;
    private long firstEvent;
    private long clockWritten;
    private long nextSweep;

    SketchProcessor(SketchSettings settings, MeterRegistry meters) {
        this.meters = meters;
        List<Windowed> all = new ArrayList<>();
        for (DistinctDefinition d : settings.distinct()) {
            all.add(new Windowed(d.name(), false, fieldIndex(d.field()), d.groupBy().map(this::fieldIndex).orElse(-1),
                    d.windows(), 0));
        }
        for (TopKDefinition t : settings.topK()) {
            all.add(new Windowed(t.name(), true, fieldIndex(t.field()), -1, t.windows(), t.maxMapSize()));
        }
        this.windowed = all.toArray(new Windowed[0]);
        this.filters = settings.filters().stream().map(f -> new Filter(f, fieldIndex(f.field()))).toArray(Filter[]::new);
        this.watches = settings.watches().stream().map(w -> new Watch(w, fieldIndex(w.field()))).toArray(Watch[]::new);
        long smallest = Long.MAX_VALUE;
        for (Windowed w : windowed) {
            smallest = Math.min(smallest, w.sizes[0]);
        }
        this.finest = smallest;
        this.values = new String[fields.size()];
        this.utf8 = new byte[fields.size()][];
        this.read = new boolean[fields.size()];
    }

    private int fieldIndex(SketchField field) {
        int index = fields.indexOf(field);
        if (index < 0) {
            fields.add(field);
            index = fields.size() - 1;
        }
        return index;
    }

    @Override
    public void init(ProcessorContext<String, DeviceEvent> processorContext) {
        this.context = processorContext;
        if (windowed.length > 0) {
            this.windows = processorContext.getStateStore(SketchesTopology.WINDOWS_STORE.name());
            this.seen = processorContext.getStateStore(SketchesTopology.SEEN_STORE.name());
        }
        if (filters.length > 0) {
            this.blocks = processorContext.getStateStore(SketchesTopology.FILTERS_STORE.name());
        }
        for (Watch watch : watches) {
            watch.store = processorContext.getStateStore(SketchesTopology.watchStore(watch.definition).name());
            watch.answers.clear();
        }
        if (watches.length > 0) {
            processorContext.schedule(WATCH_MEMORY, PunctuationType.WALL_CLOCK_TIME, now -> {
                for (Watch watch : watches) {
                    watch.answers.clear();
                }
            });
        }
        for (Windowed w : windowed) {
            w.reset();
        }
        loaded = false;
    }

    /** Reads the clock, the lanes and the filters back from the stores: once per task, at its first event. */
    private void load() {
        clock = Long.MIN_VALUE;
        firstEvent = Long.MAX_VALUE;
        clockWritten = Long.MIN_VALUE;
        if (seen != null) {
            SeenRange stored = seen.get(SketchKeys.CLOCK);
            if (stored != null) {
                firstEvent = stored.first();
                clock = stored.last();
                clockWritten = finestStart(clock);
            }
            for (Windowed w : windowed) {
                try (KeyValueIterator<Bytes, SeenRange> lanes = seen.range(SketchKeys.namePrefix(w.name),
                        SketchKeys.nameRangeEnd(w.name))) {
                    while (lanes.hasNext()) {
                        KeyValue<Bytes, SeenRange> lane = lanes.next();
                        w.known.put(lane.key, new Seen(w, SketchKeys.decodeLane(lane.key).group(), lane.value));
                    }
                }
            }
        }
        for (Filter filter : filters) {
            Map<SketchKeys.BlockKey, BloomBlock> stored = new HashMap<>();
            String name = filter.definition.name();
            try (KeyValueIterator<Bytes, BloomBlock> all = blocks.range(SketchKeys.namePrefix(name),
                    SketchKeys.nameRangeEnd(name))) {
                while (all.hasNext()) {
                    KeyValue<Bytes, BloomBlock> block = all.next();
                    stored.put(SketchKeys.decodeBlock(block.key), block.value);
                }
            }
            filter.bloom = ScalableBloom.of(filter.definition, stored);
        }
        counted.clear();
        nextSweep = Long.MIN_VALUE;
        loaded = true;
    }

    @Override
    public void process(Record<String, DeviceEvent> record) {
        DeviceEvent event = record.value();
        if (event == null) {
            return;
        }
        if (!loaded) {
            load();
        }
        long t = event.ts().toEpochMilli();
        Arrays.fill(read, false);
        if (windowed.length > 0) {
            advanceClock(t);
            for (Windowed w : windowed) {
                update(w, event, t);
            }
        }
        for (Filter filter : filters) {
            String value = value(filter.field, event);
            if (value == null) {
                filter.noValue.increment();
                continue;
            }
            if (counted.contains(value, filter.bloom, 0)) {
                continue;
            }
            byte[] item = bytes(filter.field, event);
            int layers = filter.bloom.layers();
            List<ScalableBloom.Change> changes = filter.bloom.add(item);
            if (filter.bloom.layers() > layers) {
                filter.layersOpened.increment();
            }
            for (ScalableBloom.Change change : changes) {
                blocks.put(SketchKeys.block(filter.definition.name(), change.layer(), change.block()), change.value());
            }
            counted.add(value, filter.bloom, 0);
        }
        for (Watch watch : watches) {
            String item = value(watch.field, event);
            if (item != null && watch.holds(item)) {
                RecordHeaders headers = new RecordHeaders(record.headers().toArray());
                headers.remove(SketchesTopology.WATCH_HEADER);
                headers.add(SketchesTopology.WATCH_HEADER, watch.definition.name().getBytes(StandardCharsets.UTF_8));
                context.forward(new Record<>(event.deviceId(), event, record.timestamp(), headers));
                watch.matches.increment();
            }
        }
    }

    private String value(int field, DeviceEvent event) {
        if (!read[field]) {
            String value = fields.get(field).valueOf(event);
            values[field] = value;
            utf8[field] = null;
            read[field] = true;
        }
        return values[field];
    }

    private byte[] bytes(int field, DeviceEvent event) {
        String value = value(field, event);
        if (value == null) {
            return null;
        }
        byte[] bytes = utf8[field];
        if (bytes == null) {
            bytes = value.getBytes(StandardCharsets.UTF_8);
            utf8[field] = bytes;
        }
        return bytes;
    }

    private long finestStart(long t) {
        return Math.floorDiv(t, finest) * finest;
    }

    private void advanceClock(long t) {
        if (t < firstEvent) {
            firstEvent = t;
            writeClock();
        }
        if (t <= clock) {
            return;
        }
        clock = t;
        if (finestStart(clock) > clockWritten) {
            writeClock();
        }
        if (clock >= nextSweep) {
            sweep();
            nextSweep = finestStart(clock) + finest;
        }
    }

    private void writeClock() {
        if (clock != Long.MIN_VALUE) {
            clockWritten = finestStart(clock);
            seen.put(SketchKeys.CLOCK, new SeenRange(Math.min(firstEvent, clock), clock));
        }
    }

    private void update(Windowed w, DeviceEvent event, long t) {
        String item = value(w.field, event);
        if (item == null) {
            w.noValue.increment();
            return;
        }
        if (w.topK && item.length() > MAX_TEXT_BYTES / 3 && bytes(w.field, event).length > MAX_TEXT_BYTES) {
            w.itemTooLong.increment();
            return;
        }
        if (w.all == null) {
            w.all = lane(w, null);
        }
        updateLane(w, w.all, event, t, item);
        if (w.group >= 0) {
            String group = value(w.group, event);
            if (group != null) {
                if (group.length() > MAX_TEXT_BYTES / 3 && bytes(w.group, event).length > MAX_TEXT_BYTES) {
                    w.groupTooLong.increment();
                    return;
                }
                Lane lane = w.lanes.get(group);
                if (lane == null) {
                    lane = lane(w, group);
                    w.lanes.put(group, lane);
                }
                updateLane(w, lane, event, t, item);
            }
        }
    }

    /** The lane of {@code group} (null: all groups), with what is known of it on this partition. */
    private Lane lane(Windowed w, String group) {
        Bytes prefix = SketchKeys.lane(w.name, group);
        Seen known = w.known.get(prefix);
        if (known == null) {
            known = new Seen(w, group);
            w.known.put(prefix, known);
        }
        return new Lane(prefix, known, w.sizes.length);
    }

    /**
     * Counts {@code item} in every kept window of {@code lane} that holds {@code t}. A distinct count skips an item
     * {@link #counted} remembers in the same finest window while that window is kept: the item is then in every window
     * holding {@code t} (each coarse window is a run of fine ones and is kept at least as long), which only a sweep of
     * expired windows removes, and counting it again would change no HLL byte.
     */
    private void updateLane(Windowed w, Lane lane, DeviceEvent event, long t, String item) {
        touch(lane, t);
        long finestStart = w.specs[0].startOf(t);
        if (!w.topK && w.specs[0].isKept(finestStart, clock) && counted.contains(item, lane, finestStart)) {
            return;
        }
        boolean everyWindow = true;
        for (int i = 0; i < w.sizes.length; i++) {
            WindowSpec spec = w.specs[i];
            long start = spec.startOf(t);
            if (!spec.isKept(start, clock)) {
                w.beyondRetention.increment();
                everyWindow = false;
                continue;
            }
            SketchWindow window;
            Bytes key;
            if (start == lane.start[i]) {
                window = lane.current[i];
                key = lane.key[i];
            } else if (start == lane.previousStart[i]) {
                window = lane.previous[i];
                key = lane.previousKey[i];
            } else {
                key = SketchKeys.window(lane.prefix, w.sizes[i], start);
                window = windows.get(key);
                if (window == null) {
                    window = w.emptyWindow();
                }
                lane.seen.oldest[i] = Math.min(lane.seen.oldest[i], start);
                if (start > lane.start[i]) {
                    lane.previousStart[i] = lane.start[i];
                    lane.previous[i] = lane.current[i];
                    lane.previousKey[i] = lane.key[i];
                    lane.start[i] = start;
                    lane.current[i] = window;
                    lane.key[i] = key;
                } else {
                    lane.previousStart[i] = start;
                    lane.previous[i] = window;
                    lane.previousKey[i] = key;
                }
            }
            if (window instanceof DistinctWindow distinct) {
                distinct.update(bytes(w.field, event)); // encoded once per event
            } else {
                ((TopKWindow) window).update(item);
            }
            windows.put(key, window);
        }
        if (!w.topK && everyWindow) {
            counted.add(item, lane, finestStart);
        }
    }

    /** Records that {@code lane} counted an event at {@code t}; written at most once per finest window. */
    private void touch(Lane lane, long t) {
        Seen known = lane.seen;
        boolean write = false;
        if (t < known.first) {
            known.first = t;
            write = true;
        }
        if (t > known.last) {
            known.last = t;
            write |= known.written == Long.MIN_VALUE || finestStart(t) > finestStart(known.written);
        }
        if (write) {
            known.written = known.last;
            seen.put(lane.prefix, new SeenRange(known.first, known.last));
        }
    }

    /**
     * Deletes every window whose retention passed, lane by lane and size by size, starting at the oldest window each
     * may still have stored; forgets lanes that have nothing left.
     */
    private void sweep() {
        for (Windowed w : windowed) {
            WindowSpec coarsest = w.specs[w.specs.length - 1];
            Iterator<Map.Entry<Bytes, Seen>> lanes = w.known.entrySet().iterator();
            while (lanes.hasNext()) {
                Map.Entry<Bytes, Seen> entry = lanes.next();
                Seen known = entry.getValue();
                for (int i = 0; i < w.specs.length; i++) {
                    long expiredUpTo = w.specs[i].expiredUpTo(clock);
                    if (known.oldest[i] <= expiredUpTo) {
                        deleteWindows(w, entry.getKey(), i, known.oldest[i], expiredUpTo);
                        known.oldest[i] = expiredUpTo + 1;
                    }
                }
                if (known.last != Long.MIN_VALUE && !coarsest.isKept(coarsest.startOf(known.last), clock)) {
                    lanes.remove();
                    seen.put(entry.getKey(), null);
                    if (known.group == null) {
                        w.all = null;
                    } else {
                        w.lanes.remove(known.group);
                    }
                }
            }
        }
    }

    private void deleteWindows(Windowed w, Bytes lane, int size, long from, long to) {
        List<Bytes> expired = new ArrayList<>();
        try (KeyValueIterator<Bytes, SketchWindow> found = windows.range(SketchKeys.window(lane, w.sizes[size], from),
                SketchKeys.window(lane, w.sizes[size], to))) {
            while (found.hasNext()) {
                expired.add(found.next().key);
            }
        }
        for (Bytes key : expired) {
            windows.put(key, null);
        }
        w.expired.increment(expired.size());
    }

    /** One windowed sketch (distinct count or top-K) with its lanes. */
    private final class Windowed {
        final String name;
        final boolean topK;
        final int field;
        final int group;
        final WindowSpec[] specs;
        final long[] sizes;
        final int mapSize;
        final Map<Bytes, Seen> known = new HashMap<>();
        final LinkedHashMap<String, Lane> lanes = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Lane> eldest) {
                return size() > CACHED_LANES;
            }
        };
        final Counter noValue;
        final Counter groupTooLong;
        final Counter itemTooLong;
        final Counter beyondRetention;
        final Counter expired;
        Lane all;

        Windowed(String name, boolean topK, int field, int group, List<WindowSpec> windows, int mapSize) {
            this.name = name;
            this.topK = topK;
            this.field = field;
            this.group = group;
            this.specs = windows.toArray(new WindowSpec[0]);
            this.sizes = windows.stream().mapToLong(WindowSpec::sizeMs).toArray();
            this.mapSize = mapSize;
            this.noValue = SketchMeters.UPDATES_SKIPPED.counter(meters, name, SketchMeters.REASON_NO_VALUE);
            this.groupTooLong = SketchMeters.UPDATES_SKIPPED.counter(meters, name, SketchMeters.REASON_GROUP_TOO_LONG);
            this.itemTooLong = SketchMeters.UPDATES_SKIPPED.counter(meters, name, SketchMeters.REASON_ITEM_TOO_LONG);
            this.beyondRetention = SketchMeters.UPDATES_SKIPPED.counter(meters, name,
                    SketchMeters.REASON_BEYOND_RETENTION);
            this.expired = SketchMeters.WINDOWS_EXPIRED.counter(meters, name, null);
        }

        void reset() {
            known.clear();
            lanes.clear();
            all = null;
        }

        SketchWindow emptyWindow() {
            return topK ? TopKWindow.empty(mapSize) : DistinctWindow.empty();
        }
    }

    /** When a lane was first and last seen, and the oldest window of each size it may still have stored. */
    private static final class Seen {
        final String group;
        long first;
        long last;
        long written;
        final long[] oldest;

        Seen(Windowed w, String group, SeenRange stored) {
            this.group = group;
            this.first = stored.first();
            this.last = stored.last();
            this.written = stored.last();
            this.oldest = new long[w.specs.length];
            for (int i = 0; i < oldest.length; i++) {
                oldest[i] = w.specs[i].startOf(stored.first());
            }
        }

        Seen(Windowed w, String group) {
            this.group = group;
            this.first = Long.MAX_VALUE;
            this.last = Long.MIN_VALUE;
            this.written = Long.MIN_VALUE;
            this.oldest = new long[w.specs.length];
            Arrays.fill(oldest, Long.MAX_VALUE);
        }
    }

    /** One lane (a sketch and a group, or all groups) with its current and previous window of each size. */
    private static final class Lane {
        final Bytes prefix;
        final Seen seen;
        final long[] start;
        final SketchWindow[] current;
        final Bytes[] key;
        final long[] previousStart;
        final SketchWindow[] previous;
        final Bytes[] previousKey;

        Lane(Bytes prefix, Seen seen, int sizes) {
            this.prefix = prefix;
            this.seen = seen;
            this.start = new long[sizes];
            this.current = new SketchWindow[sizes];
            this.key = new Bytes[sizes];
            this.previousStart = new long[sizes];
            this.previous = new SketchWindow[sizes];
            this.previousKey = new Bytes[sizes];
            Arrays.fill(start, Long.MIN_VALUE);
            Arrays.fill(previousStart, Long.MIN_VALUE);
        }
    }

    /** One membership filter. */
    private final class Filter {
        final FilterDefinition definition;
        final int field;
        final Counter noValue;
        final Counter layersOpened;
        ScalableBloom bloom;

        Filter(FilterDefinition definition, int field) {
            this.definition = definition;
            this.field = field;
            this.noValue = SketchMeters.UPDATES_SKIPPED.counter(meters, definition.name(), SketchMeters.REASON_NO_VALUE);
            this.layersOpened = SketchMeters.FILTER_LAYERS_OPENED.counter(meters, definition.name(), null);
        }
    }

    /** One watch list. */
    private final class Watch {
        final WatchDefinition definition;
        final int field;
        final Counter matches;
        final Map<String, Boolean> answers = new HashMap<>();
        KeyValueStore<String, byte[]> store;

        Watch(WatchDefinition definition, int field) {
            this.definition = definition;
            this.field = field;
            this.matches = SketchMeters.WATCH_MATCHES.counter(meters, definition.name(), null);
        }

        /** Whether the list holds {@code item}, as its global store said within {@link #WATCH_MEMORY}. */
        boolean holds(String item) {
            Boolean known = answers.get(item);
            if (known == null) {
                if (answers.size() >= WATCH_MEMORY_ITEMS) {
                    answers.clear();
                }
                known = store.get(item) != null;
                answers.put(item, known);
            }
            return known;
        }
    }

}
