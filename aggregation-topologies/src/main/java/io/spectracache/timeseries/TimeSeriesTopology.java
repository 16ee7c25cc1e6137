package io.spectracache.timeseries;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.MeterRegistry;
import io.spectracache.events.DeviceEvent;
import io.spectracache.state.HandleStores;
import io.spectracache.timeseries.codec.Chunk;
import io.spectracache.timeseries.codec.GorillaCodec;
import io.spectracache.topics.StoreSpec;
import io.spectracache.topology.CapabilityTopology;
import io.spectracache.topology.TopologyContext;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Every numeric metric of every device as a time series: raw points in Gorilla-compressed chunks for the raw
 * retention, and rollup buckets (count, sum, min, max, first, last, KLL quantiles) per tier for each tier's
 * retention. Attached to {@link TopologyContext#events()} like device state: no repartition, no second read of
 * {@code spectra.events}, one object update per reading and one small changelog record per series per commit.
 *
 * <pre>{@code
 * new IngestTopology(settings).addTo(context);                       // provides context.events()
 * new TimeSeriesTopology(TimeSeriesSettings.defaults()).addTo(context);
 * }</pre>
 *
 * <p><b>Stores</b> (processor {@value #PROCESSOR_NAME}; every key starts with {@link SeriesKeys#devicePrefix}, so one
 * device is one contiguous key range in each of them, inside each time segment of the window stores):
 * <ul>
 *   <li>{@value #OPEN_STORE_NAME}: key-value, no record cache. Key {@link SeriesKeys#seriesPrefix(String, String)},
 *       one entry per series from its first reading until it is forgotten; value the {@link OpenSeries} base: the
 *       open raw chunk (the newest points of the series) and each tier's open bucket, whole, as of its generation.
 *       Written when the series is created and then once per {@value TimeSeriesProcessor#REBASE_AFTER_READINGS}
 *       readings (and when the sweep seals it), not per event or per commit.
 *   <li>{@value #TAILS_STORE_NAME}: key-value, write-behind. Key {@link SeriesKeys#devicePrefix(String)}, value the
 *       {@link DeviceTails} of the device: each series' clocks and the operations since its base (a few bytes per
 *       reading). Stored as a run of records per device under keys inside its range ({@link TailSegmentsStore}): a
 *       commit appends one record per device, whatever its number of metrics, with what changed since the last.
 *   <li>{@code timeseries-raw} ({@link #RAW_STORE}): window store of sealed chunks. Key
 *       {@code seriesPrefix(device, metric)}, window start = the chunk's first point, value the chunk in
 *       {@link GorillaCodec}'s format. A chunk holds at most {@code chunk.max.points} points (twice that after late
 *       merges, then it is split) from its start up to the next chunk's start, within {@code chunk.max.span} of
 *       its start. Retention: raw retention plus one chunk span, so a chunk that holds any live point is kept;
 *       RocksDB segments of half that are dropped whole.
 *   <li>{@code timeseries-rollup-<tier>} ({@link #tierStore(RollupTier)}): window store of sealed buckets. Key
 *       {@code seriesPrefix(device, metric)}, window start = the bucket's start, value a {@link Rollup} in
 *       {@link RollupSerde}'s format. Retention: the tier's.
 * </ul>
 *
 * <p><b>Reading a series</b> (for the query side; {@code key = SeriesKeys.seriesPrefix(device, metric)}):
 * raw points in {@code [from, to)} are the points of the chunks from {@code timeseries-raw}
 * {@code fetch(key, from - chunkMaxSpan + 1, to - 1)} plus those of the open chunk, each filtered to
 * {@code [from, to)} ({@code Chunks.between}); chunks never overlap, so no point appears twice. The open chunk is
 * the series' tail in {@code timeseries-open-tails}{@code .get(devicePrefix)} {@linkplain OpenSeries#completeOn put
 * on} its base {@code timeseries-open}{@code .get(key)} (or the live object, while the tail waits for the commit).
 * A tier's buckets in
 * {@code [from, to)} are {@code fetch(key, from, to - 1)} of its store plus {@link OpenSeries#openBucket(String)} if
 * its start is in range (the open bucket is never also in the store). {@link SeriesReads} does all this. A device's
 * entries of every store are {@code fetch(devicePrefix, deviceRangeEnd, ...)} (see
 * {@link SeriesKeys#deviceRangeEnd(String)}) and the {@code range(devicePrefix, deviceRangeEnd)} of both open
 * stores (in {@code timeseries-open-tails}, read through the store, that is the one entry keyed by the device prefix
 * itself; below it, the device's records).
 *
 * <p><b>Time.</b> Event time. Retention is measured behind the newest event the task has seen; grace behind the
 * newest point of the same series (see {@link TimeSeriesSettings}). A late reading within grace is merged exactly
 * into the chunk that owns its time (decoded, inserted, encoded again); within a tier's retention, into its
 * bucket. NaN and ±Infinity are skipped everywhere. Whatever is skipped is counted in
 * {@link TimeSeriesMeters#POINTS_SKIPPED} by tier and reason.
 *
 * <p><b>Handles.</b> {@value #OPEN_STORE_NAME}, {@value #TAILS_STORE_NAME} and {@code timeseries-raw} also answer
 * {@link io.spectracache.state.StoreHandle#query()} (built through {@link HandleStores}, or write-behind): a bulk
 * reader takes one handle per store per page and reads it directly, instead of one interactive query per read.
 *
 * <p><b>RocksDB.</b> {@code io.spectracache.storage.TieredRocksDbConfigSetter}, set as Kafka Streams'
 * {@code rocksdb.config.setter}, gives {@code timeseries-raw} LZ4 and the rollup tiers ZSTD, by store name.
 */
public final class TimeSeriesTopology implements CapabilityTopology {
    /** The processor that appends readings. */
    public static final String PROCESSOR_NAME = "timeseries-append";
    /** The open chunk and buckets of every series ({@link OpenSeries} bases by {@code seriesPrefix}). */
    public static final String OPEN_STORE_NAME = "timeseries-open";
    /** What every series changed since its base ({@link DeviceTails} by {@code devicePrefix}). */
    public static final String TAILS_STORE_NAME = "timeseries-open-tails";
    /** Sealed raw chunks by {@code seriesPrefix}, window start = first point. */
    public static final StoreSpec<Bytes, Chunk> RAW_STORE =
            new StoreSpec<>("timeseries-raw", Serdes.Bytes(), new GorillaCodec());
    /** The prefix of every rollup tier's store name; the tier's name follows. */
    public static final String TIER_STORE_PREFIX = "timeseries-rollup-";

    private final TimeSeriesSettings settings;

    /** A topology with the {@linkplain TimeSeriesSettings#defaults() default settings}. */
    public TimeSeriesTopology() {
        this(TimeSeriesSettings.defaults());
    }

    /** @param settings retention, grace, tiers and chunk size; never null */
    public TimeSeriesTopology(TimeSeriesSettings settings) {
        this.settings = requireNonNull(settings, "settings");
    }

    /** The store of {@code tier}'s sealed buckets: {@code timeseries-rollup-<name>}. */
    public static StoreSpec<Bytes, Rollup> tierStore(RollupTier tier) {
        return new StoreSpec<>(TIER_STORE_PREFIX + tier.name(), Serdes.Bytes(), new RollupSerde());
    }

    /** The open store (the series' bases) with the serde for these settings' tiers. */
    public StoreSpec<Bytes, OpenSeries> openStore() {
        return new StoreSpec<>(OPEN_STORE_NAME, Serdes.Bytes(), openSerde(settings));
    }

    /** The store of the series' tails, one entry per device, with the serde for these settings' tiers. */
    public StoreSpec<Bytes, DeviceTails> tailsStore() {
        return new StoreSpec<>(TAILS_STORE_NAME, Serdes.Bytes(), new DeviceTailsSerde(tierNames(settings)));
    }

    /**
     * The builder of {@value #TAILS_STORE_NAME} (write-behind {@link DeviceTails} over their stored records, see
     * {@link TailSegmentsStore}), its records through {@code recordSerde}.
     */
    StoreBuilder<KeyValueStore<Bytes, DeviceTails>> tailsStoreBuilder(KeyValueBytesStoreSupplier supplier,
                                                                      Serde<byte[]> recordSerde) {
        return TailSegmentsStore.builder(supplier, new DeviceTailsSerde(tierNames(settings)), recordSerde);
    }

    /** How long {@code timeseries-raw} keeps a chunk: the raw retention plus one chunk span. */
    public static Duration rawStoreRetention(TimeSeriesSettings settings) {
        return settings.rawRetention().plus(settings.chunkMaxSpan());
    }

    private static OpenSeriesSerde openSerde(TimeSeriesSettings settings) {
        return new OpenSeriesSerde(tierNames(settings));
    }

    private static String[] tierNames(TimeSeriesSettings settings) {
        return settings.tiers().stream().map(RollupTier::name).toArray(String[]::new);
    }

    /**
     * Adds processor {@value #PROCESSOR_NAME} and its stores after the validated events, and registers the
     * {@link TimeSeriesMeters} (at zero, for every tier and reason). Adds nothing when the settings disable series.
     */
    @Override
    public void addTo(TopologyContext context) {
        requireNonNull(context, "context");
        if (!settings.enabled()) {
            return;
        }
        MeterRegistry meters = context.meters();
        TimeSeriesProcessor.skipped(meters, TimeSeriesMeters.TIER_ALL, TimeSeriesMeters.REASON_NOT_FINITE);
        TimeSeriesProcessor.skipped(meters, TimeSeriesMeters.TIER_RAW, TimeSeriesMeters.REASON_BEYOND_GRACE);
        TimeSeriesProcessor.skipped(meters, TimeSeriesMeters.TIER_RAW, TimeSeriesMeters.REASON_BEYOND_RETENTION);
        TimeSeriesProcessor.late(meters, TimeSeriesMeters.TIER_RAW);
        TimeSeriesProcessor.sealed(meters);
        for (RollupTier tier : settings.tiers()) {
            TimeSeriesProcessor.skipped(meters, tier.name(), TimeSeriesMeters.REASON_BEYOND_RETENTION);
            TimeSeriesProcessor.late(meters, tier.name());
        }
        context.events().process(new Supplier(meters), Named.as(PROCESSOR_NAME));
    }

    private final class Supplier implements ProcessorSupplier<String, DeviceEvent, Void, Void> {
        private final MeterRegistry meters;

        Supplier(MeterRegistry meters) {
            this.meters = meters;
        }

        @Override
        public Processor<String, DeviceEvent, Void, Void> get() {
            return new TimeSeriesProcessor(settings, openSerde(settings), meters);
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            Set<StoreBuilder<?>> stores = new HashSet<>();
            // Write-behind: a reading changes the device's series objects; their tails are serialised and changelogged
            // once per device per commit, as a segment of what changed since the last one (TailSegmentsStore).
            stores.add(tailsStoreBuilder(Stores.persistentKeyValueStore(TAILS_STORE_NAME), Serdes.ByteArray()));
            // Written when a series is created or starts a new base (every so many readings), serialised right then:
            // the base is the state at that moment, which the tail's operations continue. A record cache would only
            // copy it once more.
            StoreSpec<Bytes, OpenSeries> open = openStore();
            // HandleStores: a bulk reader takes one handle per page instead of an interactive query per read.
            stores.add(HandleStores.keyValue(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(open.name()),
                    open.keySerde(), open.valueSerde()).withCachingDisabled()));
            // Sealed chunks and buckets are written once per chunk or bucket (and once per late merge). No record
            // cache: it would copy each once more, and it keeps flushed entries, so expired windows would stay
            // visible through it after RocksDB dropped their segments.
            stores.add(HandleStores.window(Stores.windowStoreBuilder(Stores.persistentWindowStore(RAW_STORE.name(),
                            rawStoreRetention(settings), settings.chunkMaxSpan(), false),
                    RAW_STORE.keySerde(), RAW_STORE.valueSerde()).withCachingDisabled()));
            for (RollupTier tier : settings.tiers()) {
                StoreSpec<Bytes, Rollup> spec = tierStore(tier);
                stores.add(Stores.windowStoreBuilder(Stores.persistentWindowStore(spec.name(), tier.retention(),
                                tier.step(), false), spec.keySerde(), spec.valueSerde()).withCachingDisabled());
            }
            return stores;
        }
    }
}
