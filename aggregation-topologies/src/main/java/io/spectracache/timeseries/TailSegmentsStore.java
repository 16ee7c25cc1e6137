package io.spectracache.timeseries;

import static java.util.Objects.requireNonNull;

import io.spectracache.state.PositionBounds;
import io.spectracache.state.WriteBehindKeyValueStore;
import io.spectracache.state.WriteBehindStores;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * {@code timeseries-open-tails} below its write-behind layer: stores each device's {@link DeviceTails} as a run of
 * records ({@link DeviceTailsSerde}), so that a commit appends what the device's series logged since the last one
 * instead of rewriting every series' log since its base. Above, it is a key-value store of one {@link DeviceTails} per
 * device prefix; below (RocksDB, changelogged), the device's records, each under its own key:
 * <pre>
 * device prefix                    a record of version 1 or 2 (written before runs), whole
 * device prefix, 0x00, slot byte   version 3 records: slot 0 the run's whole record, slots 1.. its segments in order
 * </pre>
 * Both sort inside the device's key range ({@link SeriesKeys#deviceRangeEnd}), after its prefix. A write puts one key:
 * the run's next slot, or slot 0 for a whole record starting the next run (when it is about as small as the next
 * segment, as after a rebase, and at the latest when the run has {@value #MAX_RECORDS} records). Records of the run
 * before in higher slots stay until they are overwritten, and a reader leaves them out by their run number: nothing is
 * ever deleted but the whole device. So a compacted changelog (the latest record of each key), a restore, a crash
 * between commits or a reader at any moment sees records that read back exactly.
 *
 * <p>Reads ({@code get}, a {@link KeyQuery}, ranges) read the device's records and put them together; a key query is
 * answered with a range query of the records below, with the caller's bound and isolation. Only the stream thread
 * writes. Which run and slot a device is at is kept in its {@link DeviceTails} (read back with it), for this opening
 * of the store only: another object, or the same after the store was opened again, has its records read first and is
 * written whole.
 */
final class TailSegmentsStore extends WrappedStateStore<KeyValueStore<Bytes, byte[]>, Bytes, DeviceTails>
        implements KeyValueStore<Bytes, DeviceTails> {
    /** The most records a run has: the next record is whole. */
    static final int MAX_RECORDS = 16;
    /** What one more record in a run costs its readers, about, in bytes of a record: a whole record saves it. */
    static final int RECORD_BYTES = 16;
    private static final byte RECORD_MARK = 0;

    /** The error of a device's records read under another device's key: {@code formatted(theirDeviceId)}. */
    static final String ANOTHER_DEVICE = "timeseries-open-tails holds the tails of %s under another device's key";

    private final DeviceTailsSerde serde;
    /** This opening of the store: what a {@link DeviceTails}' run and slot refer to. */
    private Object opened = new Object();
    private Integer partition;

    TailSegmentsStore(KeyValueStore<Bytes, byte[]> records, DeviceTailsSerde serde) {
        super(requireNonNull(records, "records"));
        this.serde = requireNonNull(serde, "serde");
    }

    @Override
    public void init(StateStoreContext stateStoreContext, StateStore root) {
        opened = new Object();
        partition = stateStoreContext.taskId().partition();
        super.init(stateStoreContext, root);
    }

    /** The key of slot {@code slot} of the device with {@code devicePrefix}. */
    static Bytes recordKey(Bytes devicePrefix, int slot) {
        byte[] prefix = devicePrefix.get();
        byte[] key = java.util.Arrays.copyOf(prefix, prefix.length + 2);
        key[prefix.length] = RECORD_MARK;
        key[prefix.length + 1] = (byte) slot;
        return Bytes.wrap(key);
    }

    /** The last key a device's records may have: they are the keys from its prefix to this one. */
    static Bytes lastKey(Bytes devicePrefix) {
        return recordKey(devicePrefix, 0xFF);
    }

    @Override
    public void put(Bytes key, DeviceTails device) {
        requireNonNull(key, "key");
        if (device == null) {
            delete(key);
            return;
        }
        synchronized (device) {
            if (!key.equals(device.devicePrefix())) {
                throw new IllegalArgumentException("the tails of " + device.deviceId() + " put under another key");
            }
            if (device.segmentsOf != opened) {
                locate(device);
            }
            long[] size = serde.estimate(device);
            boolean whole = device.lastSlot < 0 || device.lastSlot + 1 >= MAX_RECORDS
                    || size[0] <= size[1] + (long) RECORD_BYTES * (device.lastSlot + 1);
            if (whole) {
                device.run++;
            }
            byte[] record = serde.nextRecord(device, whole);
            if (record == null) {
                return;
            }
            int slot = whole ? 0 : device.lastSlot + 1;
            wrapped().put(recordKey(key, slot), record);
            if (whole && device.unsegmented) {
                wrapped().put(key, null);
                device.unsegmented = false;
            }
            device.lastSlot = slot;
        }
    }

    /**
     * Reads which run {@code device} (whose monitor the caller holds) has stored here; its next record is whole, for
     * what it remembers of its series may not be what is stored.
     */
    private void locate(DeviceTails device) {
        DeviceTails stored = get(device.devicePrefix());
        device.run = stored == null ? 0 : stored.run;
        device.unsegmented = stored != null && stored.unsegmented;
        for (int i = 0; i < device.count(); i++) {
            OpenSeries series = device.seriesAt(i);
            synchronized (series) {
                series.forgetStored();
            }
        }
        device.lastSlot = -1;
        device.segmentsOf = opened;
    }

    @Override
    public DeviceTails putIfAbsent(Bytes key, DeviceTails value) {
        DeviceTails current = get(key);
        if (current == null) {
            put(key, value);
        }
        return current;
    }

    @Override
    public void putAll(List<KeyValue<Bytes, DeviceTails>> entries) {
        for (KeyValue<Bytes, DeviceTails> entry : entries) {
            put(entry.key, entry.value);
        }
    }

    /**
     * Deletes every record of the device with prefix {@code key}, the last slot first (so that what a crash in between
     * leaves reads back as a shorter run); answers its tails as they were.
     */
    @Override
    public DeviceTails delete(Bytes key) {
        List<Bytes> keys = new ArrayList<>();
        List<byte[]> records = new ArrayList<>();
        drain(wrapped().range(key, lastKey(key)), keys, records);
        DeviceTails before = readDevice(key, records);
        for (int i = keys.size() - 1; i >= 0; i--) {
            wrapped().put(keys.get(i), null);
        }
        return before;
    }

    @Override
    public DeviceTails get(Bytes key) {
        List<byte[]> records = new ArrayList<>();
        drain(wrapped().range(key, lastKey(key)), new ArrayList<>(), records);
        return readDevice(key, records);
    }

    /** Reads {@code stored} (and closes it): its keys and records, in order. */
    private static void drain(KeyValueIterator<Bytes, byte[]> stored, List<Bytes> keys, List<byte[]> records) {
        try (stored) {
            while (stored.hasNext()) {
                KeyValue<Bytes, byte[]> record = stored.next();
                keys.add(record.key);
                records.add(record.value);
            }
        }
    }

    /** The device's tails from its records; null when it has none. */
    private DeviceTails readDevice(Bytes devicePrefix, List<byte[]> records) {
        DeviceTails device = serde.read(records);
        if (device != null) {
            synchronized (device) {
                if (!device.devicePrefix().equals(devicePrefix)) {
                    throw new IllegalStateException(ANOTHER_DEVICE.formatted(device.deviceId()));
                }
                device.segmentsOf = opened;
            }
        }
        return device;
    }

    @Override
    public KeyValueIterator<Bytes, DeviceTails> range(Bytes from, Bytes to) {
        return devices(wrapped().range(from, to), false);
    }

    @Override
    public KeyValueIterator<Bytes, DeviceTails> reverseRange(Bytes from, Bytes to) {
        return devices(wrapped().range(from, to), true);
    }

    @Override
    public KeyValueIterator<Bytes, DeviceTails> all() {
        return devices(wrapped().all(), false);
    }

    @Override
    public KeyValueIterator<Bytes, DeviceTails> reverseAll() {
        return devices(wrapped().all(), true);
    }

    @Override
    public <PS extends org.apache.kafka.common.serialization.Serializer<P>, P> KeyValueIterator<Bytes, DeviceTails>
            prefixScan(P prefix, PS prefixKeySerializer) {
        throw new UnsupportedOperationException("timeseries-open-tails is read by device: get or range");
    }

    @Override
    public long approximateNumEntries() {
        return wrapped().approximateNumEntries();
    }

    /**
     * Every device whose records are in {@code records} (closed here), each read whole: a range starting inside a
     * device's records reads the records from there on, so ranges start at device prefixes.
     */
    private KeyValueIterator<Bytes, DeviceTails> devices(KeyValueIterator<Bytes, byte[]> records, boolean reverse) {
        List<KeyValue<Bytes, DeviceTails>> devices = new ArrayList<>();
        try (records) {
            Bytes device = null;
            List<byte[]> values = new ArrayList<>();
            while (records.hasNext()) {
                KeyValue<Bytes, byte[]> record = records.next();
                Bytes prefix = devicePrefixOf(record.key);
                if (!prefix.equals(device)) {
                    if (device != null) {
                        devices.add(KeyValue.pair(device, readDevice(device, values)));
                    }
                    device = prefix;
                    values = new ArrayList<>();
                }
                values.add(record.value);
            }
            if (device != null) {
                devices.add(KeyValue.pair(device, readDevice(device, values)));
            }
        }
        if (reverse) {
            Collections.reverse(devices);
        }
        return new ListIterator(devices);
    }

    private static Bytes devicePrefixOf(Bytes key) {
        ByteBuffer in = ByteBuffer.wrap(key.get());
        int length = io.spectracache.serialization.Varints.readUnsignedVarint(in);
        byte[] prefix = new byte[in.position() + length];
        System.arraycopy(key.get(), 0, prefix, 0, prefix.length);
        return Bytes.wrap(prefix);
    }

    /**
     * A {@link KeyQuery} for a device prefix: its records, read with a {@link RangeQuery} below with the same bound
     * and isolation, put together. Other queries are not known here.
     */
    @Override
    @SuppressWarnings("unchecked")
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        if (!(query instanceof KeyQuery<?, ?> keyQuery)) {
            return QueryResult.forUnknownQueryType(query, this);
        }
        Bytes key = (Bytes) keyQuery.getKey();
        Position position = getPosition();
        if (!PositionBounds.reached(position, positionBound)) {
            return QueryResult.notUpToBound(position, positionBound, partition);
        }
        QueryResult<KeyValueIterator<Bytes, byte[]>> stored = wrapped().query(
                RangeQuery.<Bytes, byte[]>withRange(key, lastKey(key)), positionBound, config);
        if (!stored.isSuccess()) {
            return (QueryResult<R>) (QueryResult<?>) stored;
        }
        List<byte[]> records = new ArrayList<>();
        drain(stored.getResult(), new ArrayList<>(), records);
        QueryResult<R> result = QueryResult.forResult((R) readDevice(key, records));
        result.setPosition(stored.getPosition());
        if (config.isCollectExecutionInfo()) {
            stored.getExecutionInfo().forEach(result::addExecutionInfo);
            result.addExecutionInfo("Answered by " + getClass().getSimpleName() + " from " + records.size()
                    + " records");
        }
        return result;
    }

    /**
     * Builds {@code timeseries-open-tails}: a {@link WriteBehindKeyValueStore} (pending {@link DeviceTails} objects,
     * written once per commit) over a {@link TailSegmentsStore} over Kafka Streams' own key-value store of records
     * (metered, changelogged, RocksDB, no record cache).
     *
     * @param recordSerde the serde of the stored records as bytes ({@code Serdes.ByteArray()}; a test counts them)
     */
    static StoreBuilder<KeyValueStore<Bytes, DeviceTails>> builder(KeyValueBytesStoreSupplier supplier,
                                                                   DeviceTailsSerde serde, Serde<byte[]> recordSerde) {
        requireNonNull(serde, "serde");
        return WriteBehindStores.keyValueStoreBuilder(supplier, Serdes.Bytes(), requireNonNull(recordSerde, "recordSerde"),
                records -> new TailSegmentsStore(records, serde), WriteBehindStores.DEFAULT_MAX_PENDING_KEYS);
    }

    /** A materialised iterator. */
    private static final class ListIterator implements KeyValueIterator<Bytes, DeviceTails> {
        private final Iterator<KeyValue<Bytes, DeviceTails>> entries;
        private KeyValue<Bytes, DeviceTails> next;

        ListIterator(List<KeyValue<Bytes, DeviceTails>> entries) {
            this.entries = entries.iterator();
            this.next = this.entries.hasNext() ? this.entries.next() : null;
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public KeyValue<Bytes, DeviceTails> next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            KeyValue<Bytes, DeviceTails> current = next;
            next = entries.hasNext() ? entries.next() : null;
            return current;
        }

        @Override
        public Bytes peekNextKey() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            return next.key;
        }

        @Override
        public void close() {
        }
    }
}
