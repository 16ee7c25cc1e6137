package io.spectracache.sketches;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The settings of the sketches capability: which distinct counts, top-Ks, membership filters and watch lists exist,
 * and how each is kept. The static {@code spectracache.sketches.*} keys are declared here once
 * ({@link #define(ConfigDef)}); each declared name then has its own keys, read from the configuration's originals by
 * {@link #from(AbstractConfig)}:
 *
 * <pre>
 * spectracache.sketches.distinct=devices,shoppers
 * spectracache.sketches.distinct.shoppers.field=attributes.customer
 * spectracache.sketches.distinct.shoppers.group=attributes.store
 * spectracache.sketches.distinct.shoppers.windows=1m:2d,1h:30d,1d:365d
 * spectracache.sketches.topk=noisiest-devices
 * spectracache.sketches.topk.noisiest-devices.map.size=512
 * spectracache.sketches.membership=seen-devices,seen-macs
 * spectracache.sketches.membership.seen-macs.field=attributes.mac
 * spectracache.sketches.membership.seen-macs.fpr=0.001
 * spectracache.sketches.watch=stolen
 * spectracache.sketches.watch.stolen.field=attributes.mac
 * </pre>
 *
 * Per name: {@code distinct.<name>.field} (required), {@code .group} (optional, empty for none), {@code .windows}
 * (default: the value of {@value #WINDOWS_CONFIG}); {@code topk.<name>.field} (required), {@code .windows},
 * {@code .map.size}
 * (default {@value TopKDefinition#DEFAULT_MAX_MAP_SIZE}); {@code membership.<name>.field} (required), {@code .fpr}
 * (default 0.01), {@code .capacity} (default 100,000); {@code watch.<name>.field} (required). Fields are those of
 * {@link SketchField}. The three built-in names, {@value #DEVICES}, {@value #NOISIEST_DEVICES} and
 * {@value #SEEN_DEVICES}, need no keys of their own: their field (deviceId) and group (tenant) are the defaults.
 *
 * <p>Start-up fails with Kafka's {@link ConfigException} naming the key for an unknown field, a window list that
 * does not divide or shrinks, a false-positive rate outside (0, 0.5), a name declared twice (in one list or across
 * lists), a required key missing, or any {@code spectracache.sketches.} key that belongs to nothing declared (a typo).
 */
public record SketchSettings(boolean enabled, List<DistinctDefinition> distinct, List<TopKDefinition> topK,
                             List<FilterDefinition> filters, List<WatchDefinition> watches, long mergeCacheBytes) {
    static final String PREFIX = "spectracache.sketches.";

    public static final String ENABLED_CONFIG = PREFIX + "enabled";
    private static final String ENABLED_DOC = "Whether the distinct counts, top-Ks, membership filters and watch lists "
            + "below are kept at all.";

    public static final String DISTINCT_CONFIG = PREFIX + "distinct";
    private static final String DISTINCT_DOC = "Names of the distinct counts (HyperLogLog, 0.81% standard error). Each "
            + "has spectracache.sketches.distinct.<name>.field (deviceId, tenant, eventId, attributes.<a> or "
            + "metrics.<m>), optionally .group (a field to count per value of; empty for none) and .windows "
            + "(size:retention list, default spectracache.sketches.windows). Built in: devices (deviceId by tenant).";

    public static final String TOPK_CONFIG = PREFIX + "topk";
    private static final String TOPK_DOC = "Names of the top-K heavy hitters (frequent items, counted by events). Each "
            + "has spectracache.sketches.topk.<name>.field, optionally .windows and .map.size (a power of two, 8 to "
            + "4096, default 256: up to 0.75 x map size items per window). Built in: noisiest-devices (deviceId).";

    public static final String MEMBERSHIP_CONFIG = PREFIX + "membership";
    private static final String MEMBERSHIP_DOC = "Names of the membership filters (scalable Bloom filters of every "
            + "value ever seen, per partition). Each has spectracache.sketches.membership.<name>.field, optionally "
            + ".fpr (false-positive rate bound, in (0, 0.5), default 0.01) and .capacity (values the first layer "
            + "takes before the filter grows, default 100000). Built in: seen-devices (deviceId).";

    public static final String WATCH_CONFIG = PREFIX + "watch";
    private static final String WATCH_DOC = "Names of the watch lists. Each has spectracache.sketches.watch.<name>.field "
            + "and is fed by its own compacted topic <prefix>watch.<name> (key = item; a tombstone removes it); every "
            + "validated event whose field is on a list is copied to <prefix>watch.matches with header "
            + "spectra.watch.list = <name>. Empty by default.";

    public static final String WINDOWS_CONFIG = PREFIX + "windows";
    private static final String WINDOWS_DOC = "The windows of every distinct count and top-K that names none: "
            + "size:retention pairs, finest first, each size a multiple of the one before and each retention at least "
            + "the one before (units ms, s, m, h, d). Retention is event time behind the newest event.";

    public static final String MERGE_CACHE_BYTES_CONFIG = PREFIX + "merge.cache.bytes";
    private static final String MERGE_CACHE_BYTES_DOC = "Bytes the distinct-count queries of an instance may keep "
            + "of dense windows as heap HLL_8 copies (the form a union merges fastest: a stored HLL_4 window merges "
            + "about 17 times slower) and of closed windows' unions (one HLL_8 sketch instead of inserting sparse "
            + "windows' coupons one by one), with the stored images they were made from, least recently used evicted "
            + "first. Anything kept is used only when the images just read are those it was made from, byte for byte, "
            + "so a window changed by a late event is never answered stale; a union stands in for its windows only "
            + "where that is exact (into a union still empty, or in an answer out of order either way: two dense "
            + "windows), so every estimate and bound is the one without the cache. 0 turns it off.";
    /**
     * 64 MiB: a dense window costs about 24 KB (its 8 KB image and a 16 KB copy), a run of closed windows its images and
     * a 16 KB union, a 24-hour count over 4 partitions about 120 KB per lane.
     */
    public static final long DEFAULT_MERGE_CACHE_BYTES = 64L << 20;

    /** The built-in distinct count: distinct deviceId per tenant. */
    public static final String DEVICES = "devices";
    /** The built-in top-K: deviceId by events. */
    public static final String NOISIEST_DEVICES = "noisiest-devices";
    /** The built-in membership filter: every deviceId ever seen. */
    public static final String SEEN_DEVICES = "seen-devices";
    /**
     * 1-minute windows for 2 days (so the minute edges of any "last 24 h" are still there), hours for 30 days, days for
     * a year.
     */
    public static final String DEFAULT_WINDOWS = "1m:2d,1h:30d,1d:365d";

    private static final String FIELD = "field";
    private static final String GROUP = "group";
    private static final String WINDOWS = "windows";
    private static final String MAP_SIZE = "map.size";
    private static final String FPR = "fpr";
    private static final String CAPACITY = "capacity";

    public SketchSettings {
        distinct = List.copyOf(requireNonNull(distinct, "distinct"));
        topK = List.copyOf(requireNonNull(topK, "topK"));
        filters = List.copyOf(requireNonNull(filters, "filters"));
        watches = List.copyOf(requireNonNull(watches, "watches"));
        if (mergeCacheBytes < 0) {
            throw new IllegalArgumentException("the merge cache is at least 0 bytes, was " + mergeCacheBytes);
        }
        Set<String> names = new HashSet<>();
        for (String name : allNames(distinct, topK, filters, watches)) {
            if (!names.add(name)) {
                throw new IllegalArgumentException("the name '" + name + "' is declared twice; sketch, filter and "
                        + "watch names are unique together");
            }
        }
    }

    private static List<String> allNames(List<DistinctDefinition> distinct, List<TopKDefinition> topK,
                                         List<FilterDefinition> filters, List<WatchDefinition> watches) {
        List<String> names = new ArrayList<>();
        distinct.forEach(d -> names.add(d.name()));
        topK.forEach(t -> names.add(t.name()));
        filters.forEach(f -> names.add(f.name()));
        watches.forEach(w -> names.add(w.name()));
        return names;
    }

    /** Adds the static {@code spectracache.sketches.*} settings to {@code def}, with the defaults of {@link #defaults()}. */
    public static ConfigDef define(ConfigDef def) {
        ConfigDef.Validator names = (name, value) -> {
            @SuppressWarnings("unchecked")
            List<String> list = (List<String>) value;
            Set<String> seen = new HashSet<>();
            for (String entry : list) {
                try {
                    SketchNames.checked(entry);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(name, value, e.getMessage());
                }
                if (!seen.add(entry)) {
                    throw new ConfigException(name, value, "the name '" + entry + "' is listed twice");
                }
            }
        };
        return def
                .define(ENABLED_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM, ENABLED_DOC)
                .define(DISTINCT_CONFIG, Type.LIST, DEVICES, names, Importance.MEDIUM, DISTINCT_DOC)
                .define(TOPK_CONFIG, Type.LIST, NOISIEST_DEVICES, names, Importance.MEDIUM, TOPK_DOC)
                .define(MEMBERSHIP_CONFIG, Type.LIST, SEEN_DEVICES, names, Importance.MEDIUM, MEMBERSHIP_DOC)
                .define(WATCH_CONFIG, Type.LIST, "", names, Importance.LOW, WATCH_DOC)
                .define(WINDOWS_CONFIG, Type.STRING, DEFAULT_WINDOWS, (name, value) -> {
                    try {
                        WindowSpec.parseList((String) value);
                    } catch (IllegalArgumentException | NullPointerException e) {
                        throw new ConfigException(name, value, e.getMessage());
                    }
                }, Importance.LOW, WINDOWS_DOC)
                .define(MERGE_CACHE_BYTES_CONFIG, Type.LONG, DEFAULT_MERGE_CACHE_BYTES, ConfigDef.Range.atLeast(0),
                        Importance.LOW, MERGE_CACHE_BYTES_DOC);
    }

    /**
     * The settings of a configuration that includes {@link #define(ConfigDef)}: the static keys typed, and each
     * declared name's own keys from {@link AbstractConfig#originals()}.
     *
     * @throws ConfigException naming the key, for anything wrong (see the type's documentation)
     */
    public static SketchSettings from(AbstractConfig config) {
        Map<String, String> perName = new LinkedHashMap<>();
        config.originals().forEach((key, value) -> {
            if (key.startsWith(PREFIX) && !STATIC_KEYS.contains(key)) {
                perName.put(key, value == null ? "" : String.valueOf(value));
            }
        });
        Reader reader = new Reader(perName, config.getString(WINDOWS_CONFIG));
        Map<String, String> listedIn = new LinkedHashMap<>();
        for (String list : List.of(DISTINCT_CONFIG, TOPK_CONFIG, MEMBERSHIP_CONFIG, WATCH_CONFIG)) {
            for (String name : config.getList(list)) {
                String earlier = listedIn.putIfAbsent(name, list);
                if (earlier != null) {
                    throw new ConfigException(list, config.getList(list), "the name '" + name + "' is already "
                            + "declared in " + earlier + "; sketch, filter and watch names are unique together");
                }
            }
        }
        List<DistinctDefinition> distinct = new ArrayList<>();
        for (String name : config.getList(DISTINCT_CONFIG)) {
            String key = DISTINCT_CONFIG + "." + name + ".";
            boolean builtIn = name.equals(DEVICES);
            SketchField field = reader.field(key + FIELD, builtIn ? "deviceId" : null);
            String group = reader.take(key + GROUP, builtIn ? "tenant" : "");
            Optional<SketchField> groupBy = group.isBlank() ? Optional.empty()
                    : Optional.of(reader.parse(key + GROUP, group, SketchField::parse));
            List<WindowSpec> windows = reader.windows(key + WINDOWS);
            distinct.add(new DistinctDefinition(name, field, groupBy, windows));
        }
        List<TopKDefinition> topK = new ArrayList<>();
        for (String name : config.getList(TOPK_CONFIG)) {
            String key = TOPK_CONFIG + "." + name + ".";
            SketchField field = reader.field(key + FIELD, name.equals(NOISIEST_DEVICES) ? "deviceId" : null);
            List<WindowSpec> windows = reader.windows(key + WINDOWS);
            String mapSizeText = reader.take(key + MAP_SIZE, String.valueOf(TopKDefinition.DEFAULT_MAX_MAP_SIZE));
            int mapSize = reader.parse(key + MAP_SIZE, mapSizeText, Integer::parseInt);
            topK.add(reader.build(key + MAP_SIZE, mapSizeText, () -> new TopKDefinition(name, field, windows, mapSize)));
        }
        List<FilterDefinition> filters = new ArrayList<>();
        for (String name : config.getList(MEMBERSHIP_CONFIG)) {
            String key = MEMBERSHIP_CONFIG + "." + name + ".";
            SketchField field = reader.field(key + FIELD, name.equals(SEEN_DEVICES) ? "deviceId" : null);
            String fprText = reader.take(key + FPR, String.valueOf(FilterDefinition.DEFAULT_FALSE_POSITIVE_RATE));
            double fpr = reader.parse(key + FPR, fprText, Double::parseDouble);
            if (!(fpr > 0 && fpr < 0.5)) {
                throw new ConfigException(key + FPR, fprText, "a false-positive rate is in (0, 0.5)");
            }
            String capacityText = reader.take(key + CAPACITY, String.valueOf(FilterDefinition.DEFAULT_INITIAL_CAPACITY));
            long capacity = reader.parse(key + CAPACITY, capacityText, Long::parseLong);
            filters.add(reader.build(key + CAPACITY, capacityText,
                    () -> new FilterDefinition(name, field, fpr, capacity)));
        }
        List<WatchDefinition> watches = new ArrayList<>();
        for (String name : config.getList(WATCH_CONFIG)) {
            String key = WATCH_CONFIG + "." + name + ".";
            SketchField field = reader.field(key + FIELD, null);
            watches.add(new WatchDefinition(name, field));
        }
        reader.refuseLeftovers();
        try {
            return new SketchSettings(config.getBoolean(ENABLED_CONFIG), distinct, topK, filters, watches,
                    config.getLong(MERGE_CACHE_BYTES_CONFIG));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /**
     * Whether {@code key} is this capability's to judge: every key under {@code spectracache.sketches.}. The per-name
     * keys are not in any {@link ConfigDef}; {@link #from} refuses those that belong to nothing declared, so a
     * configuration's check for unknown keys should leave these to it.
     */
    public static boolean owns(String key) {
        return key.startsWith(PREFIX);
    }

    private static final Set<String> STATIC_KEYS = Set.of(ENABLED_CONFIG, DISTINCT_CONFIG, TOPK_CONFIG,
            MEMBERSHIP_CONFIG, WATCH_CONFIG, WINDOWS_CONFIG, MERGE_CACHE_BYTES_CONFIG);

    /** Takes the per-name keys one by one, so that whatever is left at the end is a key that belongs to nothing. */
    private static final class Reader {
        private final Map<String, String> values;
        private final String windowsDefault;

        Reader(Map<String, String> values, String windowsDefault) {
            this.values = values;
            this.windowsDefault = windowsDefault;
        }

        String take(String key, String fallback) {
            String value = values.remove(key);
            return value == null ? fallback : value.trim();
        }

        SketchField field(String key, String fallback) {
            String text = take(key, fallback);
            if (text == null || text.isEmpty()) {
                throw new ConfigException(key, text, "required: the field this name counts (deviceId, tenant, "
                        + "eventId, attributes.<name> or metrics.<name>)");
            }
            return parse(key, text, SketchField::parse);
        }

        List<WindowSpec> windows(String key) {
            return parse(key, take(key, windowsDefault), WindowSpec::parseList);
        }

        <T> T parse(String key, String text, Function<String, T> parser) {
            try {
                return parser.apply(text);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key, text, e.getMessage());
            }
        }

        /** The definition, or a ConfigException naming {@code key} (the one setting that can still be wrong). */
        <T> T build(String key, String text, java.util.function.Supplier<T> definition) {
            try {
                return definition.get();
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key, text, e.getMessage());
            }
        }

        void refuseLeftovers() {
            for (Map.Entry<String, String> left : values.entrySet()) {
                throw new ConfigException(left.getKey(), left.getValue(), "belongs to no declared sketch: a name must "
                        + "be listed in " + DISTINCT_CONFIG + ", " + TOPK_CONFIG + ", " + MEMBERSHIP_CONFIG + " or "
                        + WATCH_CONFIG + ", and its keys are field, group, windows (distinct), field, windows, "
                        + "map.size (topk), field, fpr, capacity (membership) or field (watch)");
            }
        }
    }

    /** {@code devices} (deviceId by tenant), {@code noisiest-devices} (deviceId), {@code seen-devices} (deviceId). */
    public static SketchSettings defaults() {
        List<WindowSpec> windows = WindowSpec.parseList(DEFAULT_WINDOWS);
        return new SketchSettings(true,
                List.of(new DistinctDefinition(DEVICES, SketchField.DEVICE_ID, Optional.of(SketchField.TENANT), windows)),
                List.of(new TopKDefinition(NOISIEST_DEVICES, SketchField.DEVICE_ID, windows,
                        TopKDefinition.DEFAULT_MAX_MAP_SIZE)),
                List.of(new FilterDefinition(SEEN_DEVICES, SketchField.DEVICE_ID,
                        FilterDefinition.DEFAULT_FALSE_POSITIVE_RATE, FilterDefinition.DEFAULT_INITIAL_CAPACITY)),
                List.of(), DEFAULT_MERGE_CACHE_BYTES);
    }

    /** The distinct count called {@code name}, if defined. */
    public Optional<DistinctDefinition> distinct(String name) {
        return distinct.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    /** The top-K called {@code name}, if defined. */
    public Optional<TopKDefinition> topK(String name) {
        return topK.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** The membership filter called {@code name}, if defined. */
    public Optional<FilterDefinition> filter(String name) {
        return filters.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    /** The watch list called {@code name}, if defined. */
    public Optional<WatchDefinition> watch(String name) {
        return watches.stream().filter(w -> w.name().equals(name)).findFirst();
    }

    /** A copy, enabled or not. */
    public SketchSettings withEnabled(boolean newEnabled) {
        return new SketchSettings(newEnabled, distinct, topK, filters, watches, mergeCacheBytes);
    }

    /** A copy with other distinct counts. */
    public SketchSettings withDistinct(List<DistinctDefinition> newDistinct) {
        return new SketchSettings(enabled, newDistinct, topK, filters, watches, mergeCacheBytes);
    }

    /** A copy with other top-Ks. */
    public SketchSettings withTopK(List<TopKDefinition> newTopK) {
        return new SketchSettings(enabled, distinct, newTopK, filters, watches, mergeCacheBytes);
    }

    /** A copy with other membership filters. */
    public SketchSettings withFilters(List<FilterDefinition> newFilters) {
        return new SketchSettings(enabled, distinct, topK, newFilters, watches, mergeCacheBytes);
    }

    /** A copy with another bound on the distinct-count queries' merge cache ({@value #MERGE_CACHE_BYTES_CONFIG}). */
    public SketchSettings withMergeCacheBytes(long newMergeCacheBytes) {
        return new SketchSettings(enabled, distinct, topK, filters, watches, newMergeCacheBytes);
    }

    /** A copy with other watch lists. */
    public SketchSettings withWatches(List<WatchDefinition> newWatches) {
        return new SketchSettings(enabled, distinct, topK, filters, newWatches, mergeCacheBytes);
    }
}
