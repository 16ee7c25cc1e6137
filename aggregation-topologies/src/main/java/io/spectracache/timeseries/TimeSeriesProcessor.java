package io.spectracache.timeseries;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.spectracache.events.DeviceEvent;
import io.spectracache.timeseries.codec.Chunk;
import io.spectracache.timeseries.codec.Chunks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends every finite reading of every event to its series: the open chunk and open buckets (objects, the device's
 * {@link DeviceTails} in the write-behind store {@code timeseries-open-tails}), sealing chunks into
 * {@code timeseries-raw} and buckets into their tier's store as the series moves on, and merging late readings into
 * what is already sealed. One per task.
 *
 * <p>What a commit writes: one record per device that sent readings, a segment holding what its series logged since
 * the device's last record (their clocks and the operations since, a few bytes per reading; {@link TailSegmentsStore}),
 * or now and then, when it is about as small, a whole record of every series' tail since its base, which replaces the
 * records before it. A series' base, its whole open state, goes to {@code timeseries-open} when the series is created
 * and then every {@value #REBASE_AFTER_READINGS} logged readings, after which its log starts over. So the open chunk
 * and the sketches are serialised once per that many readings, each reading is written to the tails about once, and a
 * commit's record count follows the devices, not their metrics.
 *
 * <p>The chunks of one series never overlap in time: each holds the points from its start (its first point) up to
 * the next chunk's start, all within {@code chunkMaxSpan} of its start. So the chunk that holds (or must take) a
 * point at {@code t} is the one with the greatest start at or before {@code t}, found by one backward fetch over
 * {@code (t - chunkMaxSpan, t]}; a timestamp lives in exactly one chunk, and a second reading at the same time
 * replaces the first. A rollup bucket has exactly one accumulator at any time (open here, or sealed in its store),
 * so it adds its readings in arrival order whatever path they took.
 *
 * <p>The series clock is the newest event time this task has seen; retention is measured behind it. It starts over
 * when the task's state is rebuilt, which can only make the first readings after a restart be judged more leniently
 * (the stores themselves still drop whatever their own clocks have expired).
 */
final class TimeSeriesProcessor implements Processor<String, DeviceEvent, Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(TimeSeriesProcessor.class);
    /** How often (wall clock) idle series are sealed and dead ones forgotten. */
    static final Duration SWEEP_INTERVAL = Duration.ofMinutes(5);
    /**
     * Series kept as objects between commits, per task (grouped by device, with their keys), so a busy series is not
     * decoded again after a commit and its key is not encoded again per reading.
     */
    static final int CACHED_SERIES = 10_000;
    /**
     * Logged readings after which a series is written whole to its base and its log starts over. Measured with
     * {@code TimeSeriesProcessorCostBenchmarkTest} (helper runs I8–): fewer rewrite the base, whose sketches are most of
     * it, more often (64: 90 B of bases per event, 128: 42, 256: 23); more cost a read of the open part a longer log to
     * replay and keep more log bytes per series in memory. A commit writes only the readings since the last one
     * ({@link TailSegmentsStore}), so the tails' bytes hardly depend on it.
     */
    static final int REBASE_AFTER_READINGS = 128;
    /**
     * The most a device's tails may take, estimated: past it, the series being changed is rebased at once, so a device
     * with thousands of metrics keeps its one record far below Kafka's 1 MB record limit.
     */
    static final long DEVICE_TAILS_BUDGET_BYTES = 256 * 1024;
    /** Estimate of a stored tail without its readings: clocks, tiers, counts (the metric name comes on top). */
    private static final int TAIL_HEADER_BYTES = 64;
    /** Estimate of one logged reading, at most: head, time delta and value, as varints. */
    private static final int TAIL_BYTES_PER_READING = 21;

    private final TimeSeriesSettings settings;
    private final List<RollupTier> tiers;
    private final OpenSeriesSerde openSerde;
    private final long rawRetentionMs;
    private final long graceMs;
    private final long maxSpanMs;
    private final int maxPoints;
    private final long forgetAfterMs;
    private final Counter notFinite;
    private final Counter rawBeyondGrace;
    private final Counter rawBeyondRetention;
    private final Counter rawLate;
    private final Counter chunksSealed;
    private final Counter[] tierBeyondRetention;
    private final Counter[] tierLate;
    private int cachedSeries;
    /**
     * The devices kept as objects, at most about {@link #CACHED_SERIES} series. A plain hash map with a second-chance
     * eviction ({@link #evict}), not an access-ordered {@code LinkedHashMap}: a lookup per event then reads its entry
     * and writes only the device's own flag, instead of relinking the entry and its neighbours' (memory stalls over
     * thousands of entries, measured in helper runs I1–I3).
     */
    private final Map<String, DeviceTails> recent = new HashMap<>(2048);

    private KeyValueStore<Bytes, OpenSeries> open;
    private KeyValueStore<Bytes, DeviceTails> tails;
    private WindowStore<Bytes, Chunk> raw;
    private List<WindowStore<Bytes, Rollup>> tierStores;
    private long clock;

    TimeSeriesProcessor(TimeSeriesSettings settings, OpenSeriesSerde openSerde, MeterRegistry meters) {
        this.settings = settings;
        this.tiers = settings.tiers();
        this.openSerde = openSerde;
        this.rawRetentionMs = settings.rawRetention().toMillis();
        this.graceMs = settings.grace().toMillis();
        this.maxSpanMs = settings.chunkMaxSpan().toMillis();
        this.maxPoints = settings.chunkMaxPoints();
        long longest = TimeSeriesTopology.rawStoreRetention(settings).toMillis();
        for (RollupTier tier : tiers) {
            longest = Math.max(longest, tier.retentionMs());
        }
        this.forgetAfterMs = longest;
        this.notFinite = skipped(meters, TimeSeriesMeters.TIER_ALL, TimeSeriesMeters.REASON_NOT_FINITE);
        this.rawBeyondGrace = skipped(meters, TimeSeriesMeters.TIER_RAW, TimeSeriesMeters.REASON_BEYOND_GRACE);
        this.rawBeyondRetention = skipped(meters, TimeSeriesMeters.TIER_RAW, TimeSeriesMeters.REASON_BEYOND_RETENTION);
        this.rawLate = late(meters, TimeSeriesMeters.TIER_RAW);
        this.chunksSealed = sealed(meters);
        this.tierBeyondRetention = new Counter[tiers.size()];
        this.tierLate = new Counter[tiers.size()];
        for (int i = 0; i < tiers.size(); i++) {
            tierBeyondRetention[i] = skipped(meters, tiers.get(i).name(), TimeSeriesMeters.REASON_BEYOND_RETENTION);
            tierLate[i] = late(meters, tiers.get(i).name());
        }
    }

    static Counter skipped(MeterRegistry meters, String tier, String reason) {
        return Counter.builder(TimeSeriesMeters.POINTS_SKIPPED.meterName())
                .description(TimeSeriesMeters.POINTS_SKIPPED.description())
                .tag(TimeSeriesMeters.TIER_TAG, tier).tag(TimeSeriesMeters.REASON_TAG, reason).register(meters);
    }

    static Counter late(MeterRegistry meters, String tier) {
        return Counter.builder(TimeSeriesMeters.POINTS_MERGED_LATE.meterName())
                .description(TimeSeriesMeters.POINTS_MERGED_LATE.description())
                .tag(TimeSeriesMeters.TIER_TAG, tier).register(meters);
    }

    static Counter sealed(MeterRegistry meters) {
        return Counter.builder(TimeSeriesMeters.CHUNKS_SEALED.meterName())
                .description(TimeSeriesMeters.CHUNKS_SEALED.description()).register(meters);
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.open = context.getStateStore(TimeSeriesTopology.OPEN_STORE_NAME);
        this.tails = context.getStateStore(TimeSeriesTopology.TAILS_STORE_NAME);
        this.raw = context.getStateStore(TimeSeriesTopology.RAW_STORE.name());
        this.tierStores = new ArrayList<>();
        for (RollupTier tier : tiers) {
            tierStores.add(context.getStateStore(TimeSeriesTopology.tierStore(tier).name()));
        }
        this.clock = Long.MIN_VALUE;
        recent.clear();
        cachedSeries = 0;
        context.schedule(SWEEP_INTERVAL, PunctuationType.WALL_CLOCK_TIME, now -> sweep());
    }

    @Override
    public void process(Record<String, DeviceEvent> record) {
        DeviceEvent event = record.value();
        if (event == null || event.metrics().isEmpty()) {
            return;
        }
        long t = event.ts().toEpochMilli();
        clock = Math.max(clock, t);
        if (!anyFinite(event.metrics())) {
            notFinite.increment(event.metrics().size());
            return;
        }
        DeviceTails device = device(event.deviceId());
        // Pending before anything changes: from here on a key query is answered from this object, never from the last
        // commit's tails against a base written since.
        tails.put(device.devicePrefix(), device);
        synchronized (device) {
            for (Map.Entry<String, Double> reading : event.metrics().entrySet()) {
                double value = reading.getValue();
                if (!Double.isFinite(value)) {
                    notFinite.increment();
                    continue;
                }
                int index = device.indexOf(reading.getKey());
                if (index < 0) {
                    index = device.add(reading.getKey(),
                            created(SeriesKeys.seriesPrefix(event.deviceId(), reading.getKey())));
                    cachedSeries++;
                }
                Bytes key = device.key(index);
                OpenSeries series = loaded(device, index);
                synchronized (series) {
                    long before = tailBytes(reading.getKey(), series);
                    appendRaw(key, series, t, value);
                    for (int tier = 0; tier < tiers.size(); tier++) {
                        appendToTier(key, series, tier, t, value);
                    }
                    series.seen(t);
                    long grown = tailBytes(reading.getKey(), series) - before;
                    if (series.generation() == 0 || series.readingsSinceBase() >= REBASE_AFTER_READINGS
                            || device.tailBytes() + grown > DEVICE_TAILS_BUDGET_BYTES) {
                        rebase(key, series);
                        grown = -before;
                    }
                    device.addTailBytes(grown);
                }
            }
        }
    }

    /** The estimated bytes of {@code series}' stored tail: nothing when it has none. */
    private static long tailBytes(String metric, OpenSeries series) {
        return series.hasTail()
                ? TAIL_HEADER_BYTES + metric.length() + (long) TAIL_BYTES_PER_READING * series.readingsSinceBase() : 0;
    }

    /** Recounts {@link DeviceTails#tailBytes()}; the caller holds the device's monitor. */
    private static void recountTailBytes(DeviceTails device) {
        long bytes = 0;
        for (int i = 0; i < device.count(); i++) {
            bytes += tailBytes(device.metric(i), device.seriesAt(i));
        }
        device.addTailBytes(bytes - device.tailBytes());
    }

    private static boolean anyFinite(Map<String, Double> metrics) {
        for (Double value : metrics.values()) {
            if (Double.isFinite(value)) {
                return true;
            }
        }
        return false;
    }

    /** The tails of {@code deviceId}: cached, or read back, or new. */
    private DeviceTails device(String deviceId) {
        DeviceTails device = recent.get(deviceId);
        if (device == null) {
            device = tails.get(SeriesKeys.devicePrefix(deviceId));
            if (device == null) {
                device = new DeviceTails(deviceId);
            }
            synchronized (device) {
                recountTailBytes(device);
                cachedSeries += device.count();
            }
            recent.put(deviceId, device);
            if (cachedSeries > CACHED_SERIES) {
                evict(device);
            }
        }
        device.used = true;
        return device;
    }

    /**
     * Forgets devices not used since the previous pass (clearing the use flag of the others) until the cached series
     * are a tenth under {@link #CACHED_SERIES}, so a pass is paid for by many lookups. Never {@code keep}, the device
     * being used. A forgotten device's tails stay in their store (pending or written out) and are read back if it
     * sends again.
     */
    private void evict(DeviceTails keep) {
        long target = CACHED_SERIES - CACHED_SERIES / 10;
        for (int pass = 0; pass < 2 && cachedSeries > target; pass++) {
            Iterator<DeviceTails> devices = recent.values().iterator();
            while (devices.hasNext() && cachedSeries > target) {
                DeviceTails device = devices.next();
                if (device == keep) {
                    continue;
                }
                if (device.used) {
                    device.used = false;
                } else {
                    devices.remove();
                    synchronized (device) {
                        cachedSeries -= device.count();
                    }
                }
            }
        }
    }

    /** A series the device's tails do not hold: its base if it has one (a tail lost under at-least-once), or new. */
    private OpenSeries created(Bytes key) {
        OpenSeries base = open.get(key);
        return base != null ? base : openSerde.empty();
    }

    /**
     * The series at {@code index} of {@code device} (whose monitor the caller holds), complete: a series read back
     * from its tail is put on its base.
     */
    private OpenSeries loaded(DeviceTails device, int index) {
        OpenSeries series = device.seriesAt(index);
        if (series.isComplete()) {
            return series;
        }
        Bytes key = device.key(index);
        OpenSeries base = open.get(key);
        if (series.completeOn(base)) {
            return series;
        }
        // Never under exactly-once (a base and the tails that refer to it commit together). Under at-least-once, after
        // a crash: a base newer than the tail holds everything the tail does, and the events after it are processed
        // again; a tail whose base never reached the changelog cannot be replayed, so the series goes on from what
        // its store holds, and says so, rather than failing the task on every event.
        if (base == null || base.generation() < series.generation()) {
            LOG.warn("The open series {} continues base {} but {} holds {}: its readings since that base are lost "
                    + "(a crash under at-least-once); going on from what the store holds", SeriesKeys.decodeSeries(key),
                    series.generation(), TimeSeriesTopology.OPEN_STORE_NAME, base == null ? "none" : base.generation());
        }
        OpenSeries replacement = base != null ? base : openSerde.empty();
        device.replace(index, replacement);
        return replacement;
    }

    /** Writes {@code series} whole to {@code timeseries-open} and starts its log over (see {@link OpenSeries}). */
    private void rebase(Bytes key, OpenSeries series) {
        series.rebase();
        open.put(key, series);
    }

    private static long behind(long time, long amount) {
        return time == Long.MIN_VALUE || time - amount > time ? Long.MIN_VALUE : time - amount;
    }

    private void appendRaw(Bytes key, OpenSeries series, long t, double value) {
        if (t <= behind(clock, rawRetentionMs)) {
            rawBeyondRetention.increment();
            return;
        }
        if (t < behind(series.newestPoint(), graceMs)) {
            rawBeyondGrace.increment();
            return;
        }
        int size = series.size();
        if (size > 0 && t >= series.first()) {
            if (t - series.first() >= maxSpanMs) {
                // Only the newest points reach past the span: seal what is open and start again at t.
                seal(key, series);
            }
            series.insert(t, value);
        } else if (t > series.newestSealedPoint() && (size == 0 || series.last() - t < maxSpanMs)) {
            // After every sealed point: the open chunk takes it (first point, or extending it backwards).
            series.insert(t, value);
        } else {
            mergeSealed(key, series, t, value);
            return;
        }
        if (series.size() >= maxPoints) {
            seal(key, series);
        }
    }

    private void seal(Bytes key, OpenSeries series) {
        Chunk chunk = series.takeChunk();
        if (chunk.size() > 0 && chunk.timestamp(0) > behind(clock, rawStoreRetentionMs())) {
            raw.put(key, chunk, chunk.timestamp(0));
            chunksSealed.increment();
        }
    }

    private long rawStoreRetentionMs() {
        return rawRetentionMs + maxSpanMs;
    }

    /** Decodes the sealed chunk that owns {@code t}, inserts, encodes again (splits it if it grew too long). */
    private void mergeSealed(Bytes key, OpenSeries series, long t, double value) {
        Chunk owner = null;
        long start = t;
        try (WindowStoreIterator<Chunk> found = raw.backwardFetch(key, t - maxSpanMs + 1, t)) {
            if (found.hasNext()) {
                KeyValue<Long, Chunk> chunk = found.next();
                start = chunk.key;
                owner = chunk.value;
            }
        }
        Chunk merged = owner == null ? Chunk.of(new long[] {t}, new double[] {value}) : Chunks.with(owner, t, value);
        if (merged.size() > 2 * maxPoints) {
            long middle = merged.timestamp(merged.size() / 2);
            raw.put(key, Chunks.between(merged, Long.MIN_VALUE, middle), start);
            raw.put(key, Chunks.between(merged, middle, Long.MAX_VALUE), middle);
        } else {
            raw.put(key, merged, start);
        }
        series.sealedPoint(t);
        rawLate.increment();
    }

    private void appendToTier(Bytes key, OpenSeries series, int tier, long t, double value) {
        RollupTier spec = tiers.get(tier);
        long start = spec.bucketStart(t);
        if (start <= behind(clock, spec.retentionMs())) {
            tierBeyondRetention[tier].increment();
            return;
        }
        boolean hasOpen = series.hasBucket(tier);
        if (hasOpen && start == series.bucketStart(tier)) {
            series.addToBucket(tier, t, value);
        } else if (hasOpen ? start > series.bucketStart(tier) : start > series.newestSealedBucket(tier)) {
            sealBucket(key, series, tier);
            series.openBucket(tier, start);
            series.addToBucket(tier, t, value);
        } else {
            WindowStore<Bytes, Rollup> store = tierStores.get(tier);
            Rollup sealed = store.fetch(key, start);
            if (sealed == null) {
                sealed = Rollup.empty();
            }
            sealed.add(t, value);
            store.put(key, sealed, start);
            series.sealedBucket(tier, start);
            tierLate[tier].increment();
        }
    }

    private void sealBucket(Bytes key, OpenSeries series, int tier) {
        long start = series.bucketStart(tier);
        Rollup bucket = series.takeBucket(tier);
        if (bucket != null && start > behind(clock, tiers.get(tier).retentionMs())) {
            tierStores.get(tier).put(key, bucket, start);
        }
    }

    /**
     * Seals the open chunk and buckets of every series idle for a chunk span (so they become visible to range
     * reads of the sealed stores and stop holding memory), and forgets series whose every point has expired.
     * Scans {@code timeseries-open}, one base per series (never the points), with each device's tails, which are
     * newer where a series has one.
     */
    void sweep() {
        if (clock == Long.MIN_VALUE) {
            return;
        }
        long idleBefore = behind(clock, maxSpanMs);
        long deadBefore = behind(clock, forgetAfterMs);
        Map<String, List<Bytes>> idle = new LinkedHashMap<>();
        Map<String, List<Bytes>> dead = new LinkedHashMap<>();
        String deviceId = null;
        DeviceTails device = null;
        try (KeyValueIterator<Bytes, OpenSeries> all = open.all()) {
            while (all.hasNext()) {
                KeyValue<Bytes, OpenSeries> entry = all.next();
                SeriesKeys.SeriesId id = SeriesKeys.decodeSeries(entry.key);
                if (!id.deviceId().equals(deviceId)) {
                    // Keys are by device first: each device's tails are looked up once.
                    deviceId = id.deviceId();
                    device = recent.containsKey(deviceId) ? recent.get(deviceId)
                            : tails.get(SeriesKeys.devicePrefix(deviceId));
                }
                OpenSeries series = entry.value;
                if (device != null) {
                    synchronized (device) {
                        int index = device.indexOf(id.metric());
                        series = index < 0 ? series : device.seriesAt(index);
                    }
                }
                if (series.latest() <= deadBefore) {
                    dead.computeIfAbsent(deviceId, d -> new ArrayList<>()).add(entry.key);
                } else if (series.latest() <= idleBefore && series.hasOpenParts()) {
                    idle.computeIfAbsent(deviceId, d -> new ArrayList<>()).add(entry.key);
                }
            }
        }
        Set<String> devices = new LinkedHashSet<>(dead.keySet());
        devices.addAll(idle.keySet());
        for (String changing : devices) {
            sweep(device(changing), idle.getOrDefault(changing, List.of()), dead.getOrDefault(changing, List.of()));
        }
    }

    /** Seals the idle series of {@code device} and forgets its dead ones. */
    private void sweep(DeviceTails device, List<Bytes> idle, List<Bytes> dead) {
        tails.put(device.devicePrefix(), device);
        boolean anyTail = false;
        synchronized (device) {
            for (Bytes key : dead) {
                int index = device.indexOf(SeriesKeys.decodeSeries(key).metric());
                if (index >= 0) {
                    device.remove(index);
                    cachedSeries--;
                }
                open.delete(key);
            }
            for (Bytes key : idle) {
                String metric = SeriesKeys.decodeSeries(key).metric();
                int index = device.indexOf(metric);
                if (index < 0) {
                    index = device.add(metric, created(key));
                    cachedSeries++;
                }
                OpenSeries series = loaded(device, index);
                synchronized (series) {
                    seal(key, series);
                    for (int tier = 0; tier < tiers.size(); tier++) {
                        sealBucket(key, series, tier);
                    }
                    // Nothing is open any more: the base is small, and there is no tail from here.
                    rebase(key, series);
                }
            }
            recountTailBytes(device);
            for (int i = 0; i < device.count() && !anyTail; i++) {
                anyTail = device.seriesAt(i).hasTail();
            }
        }
        if (!anyTail) {
            // Nothing to store: every series of the device is its base.
            tails.delete(device.devicePrefix());
            synchronized (device) {
                // Its records are gone (or, if it is put again before the commit, looked up again then).
                device.segmentsOf = null;
            }
            if (device.size() == 0) {
                recent.remove(device.deviceId());
            }
        }
    }

    TimeSeriesSettings settings() {
        return settings;
    }
}
