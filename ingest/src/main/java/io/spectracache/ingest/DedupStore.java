package io.spectracache.ingest;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * The de-duplication memory of one task: which event ids each device sent within the window, answered from memory,
 * written behind, one record per device per commit.
 *
 * <p><b>Layout.</b> Below is a window store (RocksDB, changelogged) keyed by device id: each record is an
 * {@link IdBatch}, the ids a device sent during one commit interval, with the newest receipt time among them (or
 * one millisecond after the device's previous batch, whichever is later, so a device's batches never overwrite each
 * other) as its window start. Expiry is Kafka Streams' own for window stores: whole segments are dropped once they
 * are a retention (two windows) behind, locally and in the changelog by time, so no tombstone is written per id.
 *
 * <p><b>Memory.</b> Per device, a 64-bit hash and the receipt time of each id received within the window
 * ({@link DeviceIds}, about 32–64 bytes per id), in time segments of a quarter window dropped whole once a window
 * behind the newest receipt of the task. A hash match is confirmed against the exact ids (the pending ones, or the
 * device's batches in the store) before an event is called a duplicate. The ids held by all tasks of one instance
 * are bounded by {@code spectracache.ingest.dedup.memory.max.ids}: past it, the devices least recently seen are
 * written out and dropped from memory, and load again from the store on their next event. A device is also loaded
 * from the store on its first event after a restart: a fetch of its key range, so a restart costs no scan at start.
 *
 * <p><b>Exactly-once.</b> The ids of events processed since the last commit are pending: on
 * {@link #flushCache()}, which Kafka Streams calls before it commits the task's transaction, each device with
 * pending ids is written as one batch, so the changelog records are in the same transaction as the input offsets
 * and the {@code spectra.events} records of those events. If the transaction aborts, the task's stores are closed
 * or recycled ({@link #close()}, {@link #clearCache()}), which forgets everything in memory; the events are
 * processed again against what the store committed.
 */
final class DedupStore extends WrappedStateStore<WindowStore<String, IdBatch>, String, IdBatch> {
    /** A batch record's size bound: far below Kafka's 1 MiB default, whatever a device sends in one commit interval. */
    static final int MAX_BATCH_BYTES = 256 * 1024;

    private final long windowMs;
    private final long segmentMs;
    private final Budget budget;
    /** Access order: the eldest entry is the device least recently seen. */
    private final LinkedHashMap<String, DeviceIds> devices = new LinkedHashMap<>(1024, 0.75f, true);
    private final List<DeviceIds> dirty = new ArrayList<>();
    private long newest = Long.MIN_VALUE;
    private long held;
    private InternalProcessorContext<?, ?> internalContext;
    private final ToLongFunction<String> hash;

    /**
     * @param inner    the window store below, with a retention of at least two windows
     * @param windowMs the de-duplication window
     * @param budget   the ids all stores of this instance may hold in memory together
     */
    DedupStore(WindowStore<String, IdBatch> inner, long windowMs, Budget budget) {
        this(inner, windowMs, budget, DeviceIds::hash);
    }

    /** With the hash of event ids in memory: tests make every id collide to show a collision never drops an event. */
    DedupStore(WindowStore<String, IdBatch> inner, long windowMs, Budget budget, ToLongFunction<String> hash) {
        super(requireNonNull(inner, "inner"));
        this.hash = requireNonNull(hash, "hash");
        if (windowMs < 1) {
            throw new IllegalArgumentException("windowMs must be positive, was " + windowMs);
        }
        this.windowMs = windowMs;
        this.segmentMs = Math.max(1, windowMs / 4);
        this.budget = requireNonNull(budget, "budget");
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        forgetAll();
        this.internalContext = context instanceof InternalProcessorContext<?, ?> internal ? internal : null;
        super.init(context, root);
    }

    /**
     * Decides one event: {@code true} if the device already sent {@code eventId} with a receipt time at most a
     * window from {@code receivedAt} (a duplicate, to be dropped); otherwise remembers it and returns {@code false}.
     */
    boolean seenElseRemember(String deviceId, String eventId, long receivedAt) {
        if (receivedAt > newest) {
            newest = receivedAt;
        }
        DeviceIds ids = devices.get(deviceId);
        if (ids == null) {
            ids = load(deviceId);
        }
        int expired = ids.expireBefore(cutoff(), segmentMs);
        release(expired);
        long idHash = hash.applyAsLong(eventId);
        if (ids.mayContain(idHash, receivedAt, windowMs, segmentMs) && confirm(ids, eventId, receivedAt)) {
            return true;
        }
        ids.add(idHash, receivedAt, segmentMs);
        ids.addPending(eventId, receivedAt, internalContext == null ? null : internalContext.recordContext());
        if (!ids.dirty) {
            ids.dirty = true;
            dirty.add(ids);
        }
        held++;
        if (budget.add(1) > budget.maxIds) {
            evictLeastRecentlySeen(ids);
        }
        return false;
    }

    /** Ids held in memory by this store. */
    long heldIds() {
        return held;
    }

    /** Devices held in memory by this store. */
    int heldDevices() {
        return devices.size();
    }

    /** Called by Kafka Streams before it commits the task: one batch per device with pending ids. */
    @Override
    public void flushCache() {
        writeOut();
        sweepExpired();
        super.flushCache();
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        // Normally nothing is pending here (flushCache ran first); a caller that commits without flushing loses nothing.
        writeOut();
        super.commit(changelogOffsets);
    }

    /** Called when the task becomes a standby: the store will be restored from elsewhere, so memory is stale. */
    @Override
    public void clearCache() {
        forgetAll();
        super.clearCache();
    }

    @Override
    public void close() {
        forgetAll();
        super.close();
    }

    private long cutoff() {
        return newest == Long.MIN_VALUE ? Long.MIN_VALUE : newest - windowMs;
    }

    /** True if the exact id is pending or in one of the device's batches in the store (not a hash collision). */
    private boolean confirm(DeviceIds ids, String eventId, long receivedAt) {
        if (ids.pendingContains(eventId, receivedAt, windowMs)) {
            return true;
        }
        long from = Math.max(0, receivedAt - windowMs);
        try (WindowStoreIterator<IdBatch> batches = wrapped().fetch(ids.deviceId, from, Long.MAX_VALUE)) {
            while (batches.hasNext()) {
                if (batches.next().value.contains(eventId, receivedAt, windowMs)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The device's batches from the store (all it still retains), into memory. */
    private DeviceIds load(String deviceId) {
        DeviceIds ids = new DeviceIds(deviceId);
        int loaded = 0;
        try (WindowStoreIterator<IdBatch> batches = wrapped().fetch(deviceId, 0, Long.MAX_VALUE)) {
            while (batches.hasNext()) {
                KeyValue<Long, IdBatch> batch = batches.next();
                ids.lastBatchTime = Math.max(ids.lastBatchTime, batch.key);
                for (int i = 0; i < batch.value.size(); i++) {
                    ids.add(hash.applyAsLong(batch.value.ids()[i]), batch.value.receivedAt()[i], segmentMs);
                    loaded++;
                }
            }
        }
        devices.put(deviceId, ids);
        held += loaded;
        budget.add(loaded);
        return ids;
    }

    private void writeOut() {
        if (dirty.isEmpty()) {
            return;
        }
        ProcessorRecordContext current = internalContext == null ? null : internalContext.recordContext();
        try {
            for (DeviceIds ids : dirty) {
                writeBatch(ids);
                ids.dirty = false;
            }
            dirty.clear();
        } finally {
            if (internalContext != null) {
                internalContext.setRecordContext(current);
            }
        }
    }

    /** Writes the device's pending ids as one record. The caller restores the record context. */
    private void writeBatch(DeviceIds ids) {
        if (!ids.hasPending()) {
            return;
        }
        ProcessorRecordContext last = ids.pendingContext;
        for (IdBatch batch : ids.takePending(MAX_BATCH_BYTES)) {
            long time = ids.lastBatchTime == Long.MIN_VALUE ? 0 : ids.lastBatchTime + 1;
            for (long at : batch.receivedAt()) {
                time = Math.max(time, at);
            }
            ids.lastBatchTime = time;
            if (internalContext != null && last != null) {
                // Stamped with the batch time, not the last event's event time: the changelog expires records by
                // timestamp.
                internalContext.setRecordContext(new ProcessorRecordContext(time, last.offset(), last.partition(),
                        last.topic(), new RecordHeaders()));
            }
            wrapped().put(ids.deviceId, batch, time);
        }
    }

    /** Drops devices (least recently seen first) whose every id is a window behind; stops at the first that is not. */
    private void sweepExpired() {
        long cutoff = cutoff();
        Iterator<DeviceIds> eldest = devices.values().iterator();
        while (eldest.hasNext()) {
            DeviceIds ids = eldest.next();
            if (ids.dirty || !ids.allBefore(cutoff, segmentMs)) {
                return;
            }
            eldest.remove();
            release(ids.held());
        }
    }

    /** Over budget: writes out and drops the devices least recently seen, never the one being decided. */
    private void evictLeastRecentlySeen(DeviceIds current) {
        ProcessorRecordContext context = internalContext == null ? null : internalContext.recordContext();
        try {
            Iterator<DeviceIds> eldest = devices.values().iterator();
            while (budget.held() > budget.maxIds && eldest.hasNext()) {
                DeviceIds ids = eldest.next();
                if (ids == current) {
                    return;
                }
                writeBatch(ids); // nothing pending afterwards: if it is on the dirty list, the write-out skips it
                eldest.remove();
                release(ids.held());
            }
        } finally {
            if (internalContext != null) {
                internalContext.setRecordContext(context);
            }
        }
    }

    private void release(int ids) {
        if (ids != 0) {
            held -= ids;
            budget.add(-ids);
        }
    }

    private void forgetAll() {
        budget.add(-held);
        held = 0;
        devices.clear();
        dirty.clear();
        newest = Long.MIN_VALUE;
    }

    /** The ids all de-duplication stores of one instance may hold in memory together. Thread-safe. */
    static final class Budget {
        final long maxIds;
        private final AtomicLong held = new AtomicLong();

        Budget(long maxIds) {
            if (maxIds < 1) {
                throw new IllegalArgumentException("maxIds must be positive, was " + maxIds);
            }
            this.maxIds = maxIds;
        }

        long add(long ids) {
            return held.addAndGet(ids);
        }

        long held() {
            return held.get();
        }
    }
}
