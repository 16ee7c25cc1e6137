package io.spectracache.ingest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;

/**
 * What {@link DedupStore} keeps in memory for one device: a 64-bit hash and the receipt time of every id the device
 * sent within the window, in time segments (dropped whole once a full window behind), plus the ids written since the
 * last commit (as strings: they are not in the store yet). About 32 bytes per remembered id.
 *
 * <p>A hash match is only a candidate: {@link DedupStore} confirms it against the pending ids or the store before
 * calling an event a duplicate, so a hash collision never drops an event. Not thread-safe: one stream thread.
 */
final class DeviceIds {
    final String deviceId;
    /** Segments in ascending index order; {@code segmentCount} of them are in use. */
    private Segment[] segments = new Segment[2];
    private int segmentCount;
    private int held;
    /** The window start of the newest batch written to the store for this device (batch times only increase). */
    long lastBatchTime = Long.MIN_VALUE;

    private String[] pendingIds = new String[8];
    private long[] pendingTimes = new long[8];
    private int pendingCount;
    /** The record context of the last pending id: where the batch is said to come from when it is written. */
    ProcessorRecordContext pendingContext;
    /** Whether this device is on the store's list of devices to write out at the next commit. */
    boolean dirty;

    DeviceIds(String deviceId) {
        this.deviceId = deviceId;
    }

    /** Ids held in memory (not counting pending ones twice: a pending id is also held). */
    int held() {
        return held;
    }

    /** Whether some id with this hash was received at most {@code windowMs} from {@code at}. */
    boolean mayContain(long hash, long at, long windowMs, long segmentMs) {
        long from = Math.floorDiv(at - windowMs, segmentMs);
        long to = Math.floorDiv(at > Long.MAX_VALUE - windowMs ? Long.MAX_VALUE : at + windowMs, segmentMs);
        for (int i = 0; i < segmentCount; i++) {
            Segment segment = segments[i];
            if (segment.index > to) {
                break;
            }
            if (segment.index >= from && segment.mayContain(hash, at, windowMs)) {
                return true;
            }
        }
        return false;
    }

    void add(long hash, long at, long segmentMs) {
        segmentFor(Math.floorDiv(at, segmentMs)).add(hash, at);
        held++;
    }

    /**
     * Drops every segment that ends before {@code cutoff} (all its ids are more than a window behind the newest
     * receipt); returns how many ids went.
     */
    int expireBefore(long cutoff, long segmentMs) {
        int dropped = 0;
        int keep = 0;
        while (keep < segmentCount && lastMillisOf(segments[keep].index, segmentMs) < cutoff) {
            dropped += segments[keep].size;
            keep++;
        }
        if (keep > 0) {
            System.arraycopy(segments, keep, segments, 0, segmentCount - keep);
            Arrays.fill(segments, segmentCount - keep, segmentCount, null);
            segmentCount -= keep;
            held -= dropped;
        }
        return dropped;
    }

    /** Whether every remembered id is before {@code cutoff} (so the device can leave memory once written out). */
    boolean allBefore(long cutoff, long segmentMs) {
        return segmentCount == 0 || lastMillisOf(segments[segmentCount - 1].index, segmentMs) < cutoff;
    }

    void addPending(String eventId, long at, ProcessorRecordContext context) {
        if (pendingCount == pendingIds.length) {
            pendingIds = Arrays.copyOf(pendingIds, pendingCount * 2);
            pendingTimes = Arrays.copyOf(pendingTimes, pendingCount * 2);
        }
        pendingIds[pendingCount] = eventId;
        pendingTimes[pendingCount] = at;
        pendingCount++;
        pendingContext = context;
    }

    boolean pendingContains(String eventId, long at, long windowMs) {
        for (int i = 0; i < pendingCount; i++) {
            if (Math.abs(pendingTimes[i] - at) <= windowMs && pendingIds[i].equals(eventId)) {
                return true;
            }
        }
        return false;
    }

    boolean hasPending() {
        return pendingCount > 0;
    }

    /**
     * The pending ids as batches of at most about {@code maxBytes} each (one, unless a device sent that much within
     * one commit interval, a replayed backlog say: a record must stay well below Kafka's limit), and forgets them as
     * pending (they stay remembered).
     */
    List<IdBatch> takePending(int maxBytes) {
        List<IdBatch> batches = new ArrayList<>(1);
        int from = 0;
        long bytes = 0;
        for (int i = 0; i < pendingCount; i++) {
            // An upper bound of the encoded size: 3 bytes per char at most in UTF-8, 10 for the time and the length.
            long size = 3L * pendingIds[i].length() + 10;
            if (i > from && bytes + size > maxBytes) {
                batches.add(new IdBatch(Arrays.copyOfRange(pendingIds, from, i), Arrays.copyOfRange(pendingTimes, from, i)));
                from = i;
                bytes = 0;
            }
            bytes += size;
        }
        batches.add(new IdBatch(Arrays.copyOfRange(pendingIds, from, pendingCount),
                Arrays.copyOfRange(pendingTimes, from, pendingCount)));
        Arrays.fill(pendingIds, 0, pendingCount, null);
        pendingCount = 0;
        pendingContext = null;
        return batches;
    }

    private static long lastMillisOf(long index, long segmentMs) {
        long start = index * segmentMs;
        return start > Long.MAX_VALUE - segmentMs ? Long.MAX_VALUE : start + segmentMs - 1;
    }

    private Segment segmentFor(long index) {
        int position = segmentCount;
        while (position > 0 && segments[position - 1].index >= index) {
            if (segments[position - 1].index == index) {
                return segments[position - 1];
            }
            position--;
        }
        if (segmentCount == segments.length) {
            segments = Arrays.copyOf(segments, segmentCount * 2);
        }
        System.arraycopy(segments, position, segments, position + 1, segmentCount - position);
        Segment created = new Segment(index);
        segments[position] = created;
        segmentCount++;
        return created;
    }

    /** 64-bit hash of an event id (FNV-1a, then MurmurHash3's finaliser); never 0, which marks an empty slot. */
    static long hash(String eventId) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < eventId.length(); i++) {
            h ^= eventId.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h == 0 ? 1 : h;
    }

    /** One time segment's ids: open addressing over (hash, receipt time) pairs; equal hashes may repeat. */
    private static final class Segment {
        final long index;
        long[] slots = new long[16];
        int size;

        Segment(long index) {
            this.index = index;
        }

        boolean mayContain(long hash, long at, long windowMs) {
            int mask = slots.length / 2 - 1;
            for (int slot = (int) hash & mask; ; slot = (slot + 1) & mask) {
                long stored = slots[2 * slot];
                if (stored == 0) {
                    return false;
                }
                if (stored == hash && Math.abs(slots[2 * slot + 1] - at) <= windowMs) {
                    return true;
                }
            }
        }

        void add(long hash, long at) {
            if ((size + 1) * 4 > slots.length) { // load factor at most 1/2 of the slots' pairs
                long[] old = slots;
                slots = new long[old.length * 2];
                for (int i = 0; i < old.length; i += 2) {
                    if (old[i] != 0) {
                        put(old[i], old[i + 1]);
                    }
                }
            }
            put(hash, at);
            size++;
        }

        private void put(long hash, long at) {
            int mask = slots.length / 2 - 1;
            int slot = (int) hash & mask;
            while (slots[2 * slot] != 0) {
                slot = (slot + 1) & mask;
            }
            slots[2 * slot] = hash;
            slots[2 * slot + 1] = at;
        }
    }
}
