package io.spectracache.timeseries;

import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;

/**
 * What happened to one {@link OpenSeries} since its last base, as encoded operations appended one by one, so that a
 * commit writes the bytes already encoded instead of encoding the whole open state again. Not thread-safe: its
 * series guards it.
 *
 * <p>Operations (each starts with a uvarint {@code head}; {@code head & 3} is the kind), in {@linkplain #FORMAT_2
 * format 2}, what every log writes:
 * <pre>
 * kind 0  reading   head = mask &lt;&lt; 4 | code &lt;&lt; 2: bit 0 of mask = inserted into the open chunk, bit 1 + i = added
 *                   to tier i's open bucket; then varlong the time minus the previous reading's time (the first: minus
 *                   0), then the value:
 *                   code 0: uvarlong its IEEE 754 bits XOR the previous reading's (the first: XOR 0);
 *                   code k = 1, 2, 3: the value is the decimal u / 10^k for an integer u with |u| &lt;= 2^53 (the double
 *                   that division gives, bit for bit; the writer takes the smallest such k): varlong u minus
 *                   p = (long) Math.rint(previous value * 10^k), the previous reading's value (the first: 0.0)
 *                   predicting it
 * kind 1  take the open chunk (it was sealed)              head = 1
 * kind 2  open an empty bucket in tier i                  head = i &lt;&lt; 2 | 2, then varlong its start
 * kind 3  take tier i's open bucket (it was sealed)        head = i &lt;&lt; 2 | 3
 * </pre>
 * {@linkplain #FORMAT_1 Format 1} (tails stored before format 2, still read) differs in the reading only: head =
 * mask &lt;&lt; 2, and the value always as code 0. Readings are most of a tail and sensors send decimals with a few
 * digits: as a decimal, a reading with two decimals takes about 5 bytes instead of 11, so every commit's tails, which
 * rewrite each series' log since its base, are about half as large.
 *
 * <p>Consecutive changes of different parts by the same reading (same time, same value bits) coalesce into one reading
 * operation; they commute, so the replay order within it does not matter.
 */
final class OpenLog {
    static final int READING = 0;
    static final int TAKE_CHUNK = 1;
    static final int OPEN_BUCKET = 2;
    static final int TAKE_BUCKET = 3;
    /** Mask bit of the open chunk in a reading. */
    static final long RAW = 1;
    /** The first log format: every reading's value as bits XOR the previous value's. */
    static final int FORMAT_1 = 1;
    /** The format every log writes: a value that is a decimal with up to 3 digits after the point as one. */
    static final int FORMAT_2 = 2;
    /** 10^k for the decimal codes k = 1..3 of {@link #FORMAT_2} (index 0 unused: code 0 is the XOR form). */
    private static final double[] POWERS = {1, 1e1, 1e2, 1e3};
    /** Integers up to this magnitude are exact as doubles. */
    private static final long EXACT = 1L << 53;

    private byte[] bytes = new byte[64];
    /** The format of {@link #bytes}: {@link #FORMAT_2}, but for a stored format 1 log while it is encoded again. */
    private int format = FORMAT_2;
    private int length;
    private int operations;
    private int readings;
    private long previousTime;
    private long previousBits;
    // The reading being coalesced: not yet in bytes.
    private long pendingMask;
    private long pendingTime;
    private long pendingBits;
    /**
     * For a log read back but not yet decoded ({@link #checkedOnReplay}): the tiers its operations may name, and
     * {@link #operations} is what its header claims; -1 once checked (every log the processor builds or reads).
     */
    private int uncheckedTiers = -1;

    /** Receives decoded operations, in order. */
    interface Replay {
        void reading(long mask, long time, double value);

        void takeChunk();

        void openBucket(int tier, long start);

        void takeBucket(int tier);
    }

    /** Records that the reading ({@code time}, {@code value}) changed the parts in {@code mask} (not zero). */
    void reading(long mask, long time, double value) {
        check();
        long bits = Double.doubleToRawLongBits(value);
        // Only changes to other parts coalesce: the same reading sent twice changes the same parts twice.
        if (pendingMask != 0 && (pendingMask & mask) == 0 && time == pendingTime && bits == pendingBits) {
            pendingMask |= mask;
            return;
        }
        flushPending();
        pendingMask = mask;
        pendingTime = time;
        pendingBits = bits;
    }

    void takeChunk() {
        check();
        flushPending();
        writeUnsigned(TAKE_CHUNK);
        operations++;
    }

    void openBucket(int tier, long start) {
        check();
        flushPending();
        writeUnsigned((long) tier << 2 | OPEN_BUCKET);
        writeSigned(start);
        operations++;
    }

    void takeBucket(int tier) {
        check();
        flushPending();
        writeUnsigned((long) tier << 2 | TAKE_BUCKET);
        operations++;
    }

    /** Readings recorded (coalesced), the measure of how much a base would save. */
    int readings() {
        check();
        return readings + (pendingMask != 0 ? 1 : 0);
    }

    boolean isEmpty() {
        check();
        return length == 0 && pendingMask == 0;
    }

    void clear() {
        uncheckedTiers = -1;
        length = 0;
        operations = 0;
        readings = 0;
        previousTime = 0;
        previousBits = 0;
        pendingMask = 0;
    }

    /** The encoded operations, the coalesced reading included; the log itself is unchanged. */
    byte[] encoded() {
        check();
        if (pendingMask == 0) {
            return Arrays.copyOf(bytes, length);
        }
        int savedLength = length;
        int savedOperations = operations;
        int savedReadings = readings;
        long savedTime = previousTime;
        long savedBits = previousBits;
        writeReading(pendingMask, pendingTime, pendingBits);
        byte[] out = Arrays.copyOf(bytes, length);
        length = savedLength;
        operations = savedOperations;
        readings = savedReadings;
        previousTime = savedTime;
        previousBits = savedBits;
        return out;
    }

    /**
     * Writes the coalesced reading into the bytes, so that everything recorded so far is final: what a device's tail
     * segment has written must not change afterwards (a later change of another part by the same reading is then a
     * reading operation of its own, which replays the same).
     */
    void flush() {
        check();
        flushPending();
    }

    /** The length of the encoded operations written so far, the coalesced reading left out ({@link #flush} first). */
    int length() {
        check();
        return length;
    }

    /** Writes the encoded operations from byte {@code from} on (as {@link #length()} was then) to {@code out}. */
    void writeFrom(int from, ByteWriter out) {
        check();
        out.raw(bytes, from, length - from);
    }

    /** Number of operations in {@link #encoded()}, for the stored form. */
    int operations() {
        check();
        return operations + (pendingMask != 0 ? 1 : 0);
    }

    /** A log holding {@code encoded} (as {@link #encoded()} gave it), after checking that it decodes. */
    static OpenLog of(byte[] encoded, int operations, int tierCount) {
        return of(encoded, operations, tierCount, FORMAT_2);
    }

    /**
     * A log holding {@code encoded}, stored in {@code format} ({@link #FORMAT_1} or {@link #FORMAT_2}), after checking
     * that it decodes; a format 1 log is encoded again in format 2, the only one a log appends in.
     */
    static OpenLog of(byte[] encoded, int operations, int tierCount, int format) {
        if (format != FORMAT_1 && format != FORMAT_2) {
            throw new SerializationException("unknown open log format " + format);
        }
        if (format == FORMAT_1) {
            OpenLog stored = decoded(encoded, operations, tierCount, FORMAT_1);
            int[] same = new int[tierCount];
            for (int tier = 0; tier < tierCount; tier++) {
                same[tier] = tier;
            }
            return stored.remapped(same);
        }
        return decoded(encoded, operations, tierCount, FORMAT_2);
    }

    /**
     * A log holding {@code encoded} (format 2, as {@link #encoded()} gave it; the array is the log's from now on),
     * checked as it is first decoded instead of before: its first {@link #replay} checks it as {@link #of} would while
     * it replays it, and throws what {@code of} would have (after replaying the operations before the fault); any other
     * use checks it first. For a reader that replays a stored log once (a raw read of a series' tail), which would
     * otherwise decode it twice.
     */
    static OpenLog checkedOnReplay(byte[] encoded, int operations, int tierCount) {
        OpenLog log = new OpenLog();
        log.bytes = encoded.length == 0 ? new byte[64] : encoded;
        log.length = encoded.length;
        log.operations = operations;
        log.uncheckedTiers = tierCount;
        return log;
    }

    /** Checks a log made by {@link #checkedOnReplay} (decodes it once) and takes its counts and last reading. */
    private void check() {
        if (uncheckedTiers >= 0) {
            replayChecked(null);
        }
    }

    /** Decodes an unchecked log into {@code replay} (null: none), checking it as {@link #decoded} does; then checked. */
    private void replayChecked(Replay replay) {
        Decoder decoder = new Decoder(bytes, length, format);
        Counter counter = new Counter(uncheckedTiers, replay);
        int count = 0;
        while (decoder.hasNext()) {
            decoder.next(counter);
            count++;
        }
        if (count != operations) {
            throw new SerializationException("open log holds " + count + " operations, its header says " + operations);
        }
        readings = counter.readings;
        previousTime = decoder.previousTime;
        previousBits = decoder.previousBits;
        uncheckedTiers = -1;
    }

    private static OpenLog decoded(byte[] encoded, int operations, int tierCount, int format) {
        OpenLog log = new OpenLog();
        log.format = format;
        Decoder decoder = new Decoder(encoded, encoded.length, format);
        int count = 0;
        Counter counter = new Counter(tierCount);
        while (decoder.hasNext()) {
            decoder.next(counter);
            count++;
        }
        if (count != operations) {
            throw new SerializationException("open log holds " + count + " operations, its header says " + operations);
        }
        log.bytes = encoded.length == 0 ? new byte[64] : encoded.clone();
        log.length = encoded.length;
        log.operations = count;
        log.readings = counter.readings;
        log.previousTime = decoder.previousTime;
        log.previousBits = decoder.previousBits;
        return log;
    }

    /**
     * This log with its tier numbers changed: tier {@code i} becomes {@code toConfigured[i]}, or is dropped where that
     * is negative (a reading that changed only dropped tiers goes too).
     */
    OpenLog remapped(int[] toConfigured) {
        OpenLog out = new OpenLog();
        replay(new Replay() {
            @Override
            public void reading(long mask, long time, double value) {
                long mapped = mask & RAW;
                for (int tier = 0; tier < toConfigured.length; tier++) {
                    if ((mask & (1L << (tier + 1))) != 0 && toConfigured[tier] >= 0) {
                        mapped |= 1L << (toConfigured[tier] + 1);
                    }
                }
                if (mapped != 0) {
                    out.reading(mapped, time, value);
                }
            }

            @Override
            public void takeChunk() {
                out.takeChunk();
            }

            @Override
            public void openBucket(int tier, long start) {
                if (toConfigured[tier] >= 0) {
                    out.openBucket(toConfigured[tier], start);
                }
            }

            @Override
            public void takeBucket(int tier) {
                if (toConfigured[tier] >= 0) {
                    out.takeBucket(toConfigured[tier]);
                }
            }
        });
        return out;
    }

    /** Decodes every operation, the coalesced reading included, into {@code replay}. */
    void replay(Replay replay) {
        if (uncheckedTiers >= 0) {
            replayChecked(replay);
            return; // an unchecked log has no coalesced reading: it was read back whole
        }
        Decoder decoder = new Decoder(bytes, length, format);
        while (decoder.hasNext()) {
            decoder.next(replay);
        }
        if (pendingMask != 0) {
            replay.reading(pendingMask, pendingTime, Double.longBitsToDouble(pendingBits));
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OpenLog that && Arrays.equals(encoded(), that.encoded());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded());
    }

    private void flushPending() {
        if (pendingMask != 0) {
            writeReading(pendingMask, pendingTime, pendingBits);
            pendingMask = 0;
        }
    }

    private void writeReading(long mask, long time, long bits) {
        int code = 0;
        long units = 0;
        for (int k = 1; k < POWERS.length; k++) {
            long u = PackedValues.units(bits, k);
            if (u != PackedValues.NOT_DECIMAL) {
                code = k;
                units = u;
                break;
            }
        }
        writeUnsigned(mask << 4 | (long) code << 2 | READING);
        writeSigned(time - previousTime);
        if (code == 0) {
            writeUnsigned(bits ^ previousBits);
        } else {
            writeSigned(units - predicted(previousBits, code));
        }
        previousTime = time;
        previousBits = bits;
        readings++;
        operations++;
    }

    /** What a decimal reading of code {@code k} is written relative to: the previous value at that scale. */
    private static long predicted(long previousBits, int k) {
        return (long) Math.rint(Double.longBitsToDouble(previousBits) * POWERS[k]);
    }

    private void writeSigned(long value) {
        writeUnsigned((value << 1) ^ (value >> 63));
    }

    private void writeUnsigned(long value) {
        if (length + 10 > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + 10));
        }
        while ((value & ~0x7FL) != 0) {
            bytes[length++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        bytes[length++] = (byte) value;
    }

    /** Counts readings and checks tier indices while a stored log is read, passing each operation on if asked. */
    private static final class Counter implements Replay {
        private final int tierCount;
        /** Where checked operations go on; null: nowhere. */
        private final Replay next;
        int readings;

        Counter(int tierCount) {
            this(tierCount, null);
        }

        Counter(int tierCount, Replay next) {
            this.tierCount = tierCount;
            this.next = next;
        }

        @Override
        public void reading(long mask, long time, double value) {
            if (mask == 0 || (mask >>> 1) >>> tierCount != 0) {
                throw new SerializationException("open log reading has a bad mask " + mask);
            }
            readings++;
            if (next != null) {
                next.reading(mask, time, value);
            }
        }

        @Override
        public void takeChunk() {
            if (next != null) {
                next.takeChunk();
            }
        }

        @Override
        public void openBucket(int tier, long start) {
            checkTier(tier);
            if (next != null) {
                next.openBucket(tier, start);
            }
        }

        @Override
        public void takeBucket(int tier) {
            checkTier(tier);
            if (next != null) {
                next.takeBucket(tier);
            }
        }

        private void checkTier(int tier) {
            if (tier < 0 || tier >= tierCount) {
                throw new SerializationException("open log names tier " + tier + " of " + tierCount);
            }
        }
    }

    private static final class Decoder {
        private final byte[] bytes;
        private final int end;
        private final int format;
        private int at;
        long previousTime;
        long previousBits;

        Decoder(byte[] bytes, int end, int format) {
            this.bytes = bytes;
            this.end = end;
            this.format = format;
        }

        boolean hasNext() {
            return at < end;
        }

        void next(Replay replay) {
            long head = readUnsigned();
            int kind = (int) (head & 3);
            switch (kind) {
                case READING -> {
                    int code = format == FORMAT_1 ? 0 : (int) (head >>> 2 & 3);
                    long mask = format == FORMAT_1 ? head >>> 2 : head >>> 4;
                    long time = previousTime + readSigned();
                    long bits;
                    if (code == 0) {
                        bits = previousBits ^ readUnsigned();
                    } else {
                        long units = predicted(previousBits, code) + readSigned();
                        if (units < -EXACT || units > EXACT) {
                            throw new SerializationException("open log reading has a decimal of " + units + " units");
                        }
                        bits = Double.doubleToRawLongBits(units / POWERS[code]);
                    }
                    previousTime = time;
                    previousBits = bits;
                    if (replay != null) {
                        replay.reading(mask, time, Double.longBitsToDouble(bits));
                    }
                }
                case TAKE_CHUNK -> {
                    if (head != TAKE_CHUNK) {
                        throw new SerializationException("open log has a bad take-chunk operation " + head);
                    }
                    if (replay != null) {
                        replay.takeChunk();
                    }
                }
                case OPEN_BUCKET -> {
                    int tier = tier(head);
                    long start = readSigned();
                    if (replay != null) {
                        replay.openBucket(tier, start);
                    }
                }
                default -> {
                    int tier = tier(head);
                    if (replay != null) {
                        replay.takeBucket(tier);
                    }
                }
            }
        }

        private static int tier(long head) {
            long tier = head >>> 2;
            if (tier > Integer.MAX_VALUE) {
                throw new SerializationException("open log names tier " + tier);
            }
            return (int) tier;
        }

        private long readSigned() {
            long raw = readUnsigned();
            return (raw >>> 1) ^ -(raw & 1);
        }

        private long readUnsigned() {
            long value = 0;
            for (int shift = 0; shift < 70; shift += 7) {
                if (at >= end) {
                    throw new SerializationException("open log ends inside an operation");
                }
                byte b = bytes[at++];
                value |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw new SerializationException("open log has a varint longer than 10 bytes");
        }
    }
}
