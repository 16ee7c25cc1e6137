package io.spectracache.timeseries;

import static java.util.Objects.requireNonNull;

import io.spectracache.serialization.StatelessSerde;
import io.spectracache.serialization.Varints;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.utils.Bytes;

/**
 * The stored forms of {@link DeviceTails}, what {@code timeseries-open-tails} holds: each open series of one device
 * as its tail (its clocks and its {@linkplain OpenLog log} since its base). Thread-safe.
 *
 * <p>A device's tails are stored as a <em>run</em> of records ({@link TailSegmentsStore}): a <em>whole</em> record,
 * every series with a tail from its base, then <em>segments</em>, each holding only what changed since the record
 * before it, so a commit writes the readings it added and not the logs since the bases again. As a serde (one record),
 * the whole form. Format version 3:
 * <pre>
 * byte     version = 3
 * byte     kind: 0 = whole (starts a run), 1 = segment (continues the run's records before it)
 * uvarlong the run: a whole record numbers the run it starts one more than the run before; its segments carry it
 * uvarint  length + UTF-8 device id
 * uvarint  number of tiers, then per tier: uvarint length + UTF-8 name (the tiers the entries' clocks and operations
 *          number, finest first)
 * uvarint  number of entries, then per entry:
 *   uvarint  length + UTF-8 metric
 *   byte     flags: bit 0 = a chunk point or a bucket is open; bit 1 = the series has no tail any more (it is its base:
 *            the device's tails drop it; only a varlong generation follows); bit 2 = the operations continue the
 *            series' log as the records before hold it (a segment only)
 *   varlong  latest point time L
 *   uvarlong none mask: bit 0 = no sealed point, bit 1 + i = no sealed bucket in tier i
 *   varlong  L minus the newest sealed point time, unless none; then per tier, L minus its newest sealed bucket start,
 *            unless none (wrapping 64-bit arithmetic: exact for any times)
 *   varlong  the generation of the base the operations continue (0: none, they start from an empty series)
 *   uvarint  if bit 2: the number of operations of the log before these
 *   uvarint  number of operations, uvarint their length in bytes, then the operations in {@link OpenLog}'s format 2
 *            (continuing the encoding of the operations before them when bit 2 is set)
 * </pre>
 * A whole record lists only series with a tail (a series without one is its base). Reading a device's records in
 * order: a whole record starts over; a segment of another run than the last whole record's is left out (a record of an
 * older run not yet overwritten), as are segments before any whole record; in a segment, an entry without bit 2
 * replaces the series, one with bit 2 appends to the series, which must have exactly the generation and the number of
 * operations it names, with the same tiers, and bit 1 drops it.
 *
 * <p>Versions 2 and 1, written before segments (one whole record per device, rewritten every commit), are still
 * read, as whole records: version 2 is version 3's whole form with every entry as uvarint length + UTF-8 metric,
 * then the series' tail in {@link OpenSeriesSerde}'s tail form; version 1 the same with each tail's operations in
 * {@link OpenLog}'s format 1, encoded again in format 2 as they are read.
 */
public final class DeviceTailsSerde extends StatelessSerde<DeviceTails> {
    static final byte VERSION_1 = 1;
    static final byte VERSION_2 = 2;
    static final byte VERSION_3 = 3;
    static final byte WHOLE = 0;
    static final byte SEGMENT = 1;
    static final int OPEN_PARTS = 1;
    static final int NO_TAIL = 2;
    static final int CONTINUES = 4;
    /** Estimate of an entry without its operations: flags, clocks, counts (the metric name comes on top). */
    static final int ENTRY_HEADER_BYTES = 24;

    private final String[] tierNames;
    private final OpenSeriesSerde tails;
    /** Version, device-independent part of the header: the tier list, encoded once. */
    private final byte[] tierList;

    /** @param tierNames the configured tiers, finest first */
    public DeviceTailsSerde(String... tierNames) {
        this.tierNames = requireNonNull(tierNames, "tierNames").clone();
        this.tails = new OpenSeriesSerde(this.tierNames);
        ByteWriter list = new ByteWriter();
        list.unsigned(this.tierNames.length);
        for (String tier : this.tierNames) {
            list.bytes(tier.getBytes(StandardCharsets.UTF_8));
        }
        this.tierList = list.toByteArray();
    }

    /**
     * The whole record of {@code device}, numbered with its current run; the series are left as they are (nothing is
     * remembered as stored).
     */
    @Override
    public byte[] serialize(String topic, DeviceTails device) {
        if (device == null) {
            return null;
        }
        synchronized (device) {
            return write(device, true, false);
        }
    }

    /**
     * One whole record (version 3, 2 or 1) as {@link DeviceTails}, its series incomplete.
     *
     * @throws SerializationException also for a segment, which only the records before it complete: read a device's
     *                                records together ({@link #read})
     */
    @Override
    public DeviceTails deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length > 1 && data[0] == VERSION_3 && data[1] == SEGMENT) {
            throw new SerializationException("a device-tails segment continues the records before it: read them "
                    + "together");
        }
        return read(List.of(data));
    }

    /**
     * The next record of {@code device}'s tails, whose monitor the caller holds, numbered with its run (a whole record
     * starts one: number it first): the whole record if {@code whole}, else the segment of what changed since the last record written (null when nothing did).
     * The series and the device then remember what the stored records hold, so the next segment continues them: write
     * the record.
     */
    byte[] nextRecord(DeviceTails device, boolean whole) {
        return write(device, whole, true);
    }

    /**
     * Estimated bytes of {@code device}'s next record, whose monitor the caller holds: {@code [whole, segment]}.
     */
    long[] estimate(DeviceTails device) {
        long whole = 0;
        long segment = 0;
        for (String metric : device.dropped()) {
            segment += metric.length() + 2;
        }
        for (int i = 0; i < device.count(); i++) {
            OpenSeries series = device.seriesAt(i);
            synchronized (series) {
                int entry = ENTRY_HEADER_BYTES + device.metric(i).length();
                int log = series.log().length();
                if (series.hasTail()) {
                    whole += entry + log;
                }
                if (series.changedSinceStored()) {
                    segment += entry + (series.continuesStored() ? log - series.storedLength() : log);
                }
            }
        }
        return new long[] {whole, segment};
    }

    private byte[] write(DeviceTails device, boolean whole, boolean remember) {
        int entries = whole ? 0 : device.dropped().size();
        for (int i = 0; i < device.count(); i++) {
            OpenSeries series = device.seriesAt(i);
            synchronized (series) {
                entries += (whole ? series.hasTail() : series.changedSinceStored()) ? 1 : 0;
            }
        }
        if (entries == 0 && !whole) {
            return null;
        }
        ByteWriter out = new ByteWriter();
        out.put(VERSION_3);
        out.put(whole ? WHOLE : SEGMENT);
        out.unsigned(device.run);
        out.bytes(device.deviceId().getBytes(StandardCharsets.UTF_8));
        writeTiers(device, out);
        out.unsigned(entries);
        if (!whole) {
            for (String metric : device.dropped()) {
                out.bytes(metric.getBytes(StandardCharsets.UTF_8));
                out.put((byte) NO_TAIL);
                out.signed(0);
            }
        }
        for (int i = 0; i < device.count(); i++) {
            OpenSeries series = device.seriesAt(i);
            synchronized (series) {
                if (whole ? series.hasTail() : series.changedSinceStored()) {
                    writeEntry(device.metric(i), series, whole, remember, out);
                } else if (remember) {
                    series.log().flush();
                    series.stored();
                }
            }
        }
        if (remember) {
            device.droppedStored();
        }
        return out.toByteArray();
    }

    /** The tiers of the device's series (the configured ones, but for series built with others, as in tests). */
    private void writeTiers(DeviceTails device, ByteWriter out) {
        OpenSeries first = device.count() == 0 ? null : device.seriesAt(0);
        String[] tiers = first == null ? tierNames : first.tierNames();
        for (int i = 1; i < device.count(); i++) {
            if (!device.seriesAt(i).hasTiers(tiers)) {
                throw new IllegalStateException("the series of " + device.deviceId() + " have different tiers");
            }
        }
        if (Arrays.equals(tiers, tierNames)) {
            out.raw(tierList, 0, tierList.length);
            return;
        }
        out.unsigned(tiers.length);
        for (String tier : tiers) {
            out.bytes(tier.getBytes(StandardCharsets.UTF_8));
        }
    }

    private void writeEntry(String metric, OpenSeries series, boolean whole, boolean remember, ByteWriter out) {
        out.bytes(metric.getBytes(StandardCharsets.UTF_8));
        if (!series.hasTail()) {
            out.put((byte) NO_TAIL);
            out.signed(series.generation());
            if (remember) {
                series.log().flush();
                series.stored();
            }
            return;
        }
        boolean continues = !whole && remember && series.continuesStored();
        out.put((byte) ((series.hasOpenParts() ? OPEN_PARTS : 0) | (continues ? CONTINUES : 0)));
        long latest = series.latest();
        out.signed(latest);
        long[] sealedBuckets = series.newestSealedBuckets();
        long sealedPoint = series.newestSealedPoint();
        long none = sealedPoint == Long.MIN_VALUE ? 1 : 0;
        for (int tier = 0; tier < sealedBuckets.length; tier++) {
            none |= sealedBuckets[tier] == Long.MIN_VALUE ? 1L << (tier + 1) : 0;
        }
        out.unsigned(none);
        if (sealedPoint != Long.MIN_VALUE) {
            out.signed(latest - sealedPoint);
        }
        for (long sealed : sealedBuckets) {
            if (sealed != Long.MIN_VALUE) {
                out.signed(latest - sealed);
            }
        }
        out.signed(series.generation());
        OpenLog log = series.log();
        if (!remember) {
            byte[] encoded = log.encoded();
            out.unsigned(log.operations());
            out.bytes(encoded);
            return;
        }
        log.flush();
        int fromOperation = continues ? series.storedOperations() : 0;
        int fromByte = continues ? series.storedLength() : 0;
        if (continues) {
            out.unsigned(fromOperation);
        }
        out.unsigned(log.operations() - fromOperation);
        out.unsigned(log.length() - fromByte);
        log.writeFrom(fromByte, out);
        series.stored();
    }

    /**
     * The tails of one device from its stored records, in key order (a record of version 1 or 2 first, if any): every
     * series incomplete, remembering what the records hold of it so the next segment continues it, and the device its
     * current run and the slot of the run's last record (the records' index in that run). Null when there are no
     * records.
     *
     * @throws SerializationException if a record does not parse, names another device, or a segment does not continue
     *                                what the records before it hold
     */
    DeviceTails read(List<byte[]> records) {
        return read(records, null);
    }

    /**
     * The tail of one series of a device from its stored records, as {@code read(records).series(metric)} gives it,
     * for a reader of that series alone (a bulk read of one metric over many devices): the other series' entries are
     * checked as they are passed but neither kept nor their logs decoded, and this series' log is checked as it is
     * first replayed ({@link OpenLog#checkedOnReplay}: a raw read replays it once, and would otherwise decode it
     * twice). Null when the records hold no tail of it.
     *
     * @param devicePrefix the key the records were read under ({@link SeriesKeys#devicePrefix})
     * @throws SerializationException   as {@link #read(List)}
     * @throws IllegalStateException    if the records are another device's (as {@link TailSegmentsStore#get} checks)
     */
    OpenSeries readSeries(List<byte[]> records, Bytes devicePrefix, String metric) {
        DeviceTails device = read(records, requireNonNull(metric, "metric"));
        if (device == null) {
            return null;
        }
        if (!device.devicePrefix().equals(requireNonNull(devicePrefix, "devicePrefix"))) {
            throw new IllegalStateException(TailSegmentsStore.ANOTHER_DEVICE.formatted(device.deviceId()));
        }
        return device.series(metric);
    }

    /** As {@link #read(List)}, keeping only the series of {@code only} when it is not null. */
    private DeviceTails read(List<byte[]> records, String only) {
        if (records.isEmpty()) {
            return null;
        }
        String deviceId = null;
        Map<String, Part> parts = new LinkedHashMap<>();
        Run run = new Run();
        byte[] onlyName = only == null ? null : only.getBytes(StandardCharsets.UTF_8);
        for (byte[] record : records) {
            try {
                ByteBuffer in = ByteBuffer.wrap(record);
                byte version = in.get();
                String id;
                if (version == VERSION_1 || version == VERSION_2) {
                    id = readUnsegmented(in, version, parts);
                    run.unsegmented = true;
                    run.records = 0;
                } else if (version == VERSION_3) {
                    id = readRecord(in, parts, run, only, onlyName);
                } else {
                    throw new SerializationException("unknown device-tails version " + version);
                }
                if (in.hasRemaining()) {
                    throw new SerializationException("device tails have " + in.remaining() + " bytes after their end");
                }
                if (deviceId != null && !deviceId.equals(id)) {
                    throw new SerializationException("device tails of " + id + " after those of " + deviceId);
                }
                deviceId = id;
            } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
                throw new SerializationException("not valid device tails: " + e.getMessage(), e);
            }
        }
        DeviceTails device = new DeviceTails(deviceId);
        synchronized (device) {
            for (Map.Entry<String, Part> entry : parts.entrySet()) {
                device.add(entry.getKey(), entry.getValue().series(only != null));
            }
            device.run = run.number;
            device.lastSlot = run.records - 1;
            device.unsegmented = run.unsegmented;
        }
        return device;
    }

    /** Reads a record of version 1 or 2 (whole, every series' tail in {@link OpenSeriesSerde}'s tail form). */
    /** Where a device's records are read up to: its current run, and how many of its records were read. */
    private static final class Run {
        long number;
        int records;
        boolean unsegmented;
    }

    private String readUnsegmented(ByteBuffer in, byte version, Map<String, Part> parts) {
        int logFormat = version == VERSION_1 ? OpenLog.FORMAT_1 : OpenLog.FORMAT_2;
        String id = new String(OpenSeriesSerde.readBytes(in), StandardCharsets.UTF_8);
        parts.clear();
        int count = OpenSeriesSerde.count(in, "series");
        for (int i = 0; i < count; i++) {
            String metric = new String(OpenSeriesSerde.readBytes(in), StandardCharsets.UTF_8);
            if (parts.containsKey(metric)) {
                throw new SerializationException("device tails hold metric " + metric + " twice");
            }
            // Not continued by any segment: what is stored of it is not known in segment terms, so it is written anew.
            parts.put(metric, new Part(tails.readTail(in, logFormat)));
        }
        return id;
    }

    /** Reads a record of version 3; with {@code only} (its UTF-8 bytes {@code onlyName}), that series' entries alone. */
    private String readRecord(ByteBuffer in, Map<String, Part> parts, Run run, String only, byte[] onlyName) {
        byte kind = in.get();
        if (kind != WHOLE && kind != SEGMENT) {
            throw new SerializationException("device tails have a bad record kind " + kind);
        }
        long number = PackedValues.readUnsigned(in);
        String id = new String(OpenSeriesSerde.readBytes(in), StandardCharsets.UTF_8);
        if (kind == SEGMENT && (run.records == 0 || number != run.number)) {
            // Of an older run (or before any whole record): left out.
            in.position(in.limit());
            return id;
        }
        if (kind == WHOLE) {
            run.number = number;
            run.records = 0;
        }
        run.records++;
        int tierCount = OpenSeriesSerde.count(in, "tiers");
        String[] tiersOfRecord = new String[tierCount];
        int[] toConfigured = new int[tierCount];
        boolean same = tierCount == tierNames.length;
        for (int i = 0; i < tierCount; i++) {
            tiersOfRecord[i] = new String(OpenSeriesSerde.readBytes(in), StandardCharsets.UTF_8);
            toConfigured[i] = Arrays.asList(tierNames).indexOf(tiersOfRecord[i]);
            same &= toConfigured[i] == i;
        }
        if (kind == WHOLE) {
            parts.clear();
        }
        int entries = OpenSeriesSerde.count(in, "entries");
        // Once each, but for a series dropped and added again since the record before.
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int e = 0; e < entries; e++) {
            int nameLength = OpenSeriesSerde.readLength(in);
            int nameAt = in.arrayOffset() + in.position();
            in.position(in.position() + nameLength);
            // Reading one series, the other names are compared where they lie: made into strings only for an error.
            boolean asked = onlyName == null
                    || Arrays.equals(in.array(), nameAt, nameAt + nameLength, onlyName, 0, onlyName.length);
            String metric = !asked ? null
                    : onlyName != null ? only : new String(in.array(), nameAt, nameLength, StandardCharsets.UTF_8);
            int flags = in.get();
            if (flags != NO_TAIL && asked && !seen.add(metric)) {
                throw new SerializationException("device tails hold metric " + metric + " twice");
            }
            if ((flags & ~(OPEN_PARTS | NO_TAIL | CONTINUES)) != 0 || (flags & NO_TAIL) != 0 && flags != NO_TAIL
                    || kind == WHOLE && (flags & CONTINUES) != 0) {
                throw new SerializationException("device tails have bad flags " + flags + " for "
                        + name(in, nameAt, nameLength));
            }
            if (flags == NO_TAIL) {
                Varints.readVarlong(in);
                if (asked) {
                    parts.remove(metric);
                }
                continue;
            }
            long latest = Varints.readVarlong(in);
            long none = PackedValues.readUnsigned(in);
            if ((none >>> 1) >>> tierCount != 0) {
                throw new SerializationException("device tails have a bad none mask " + none + " for "
                        + name(in, nameAt, nameLength));
            }
            long sealedPoint = (none & 1) != 0 ? Long.MIN_VALUE : latest - Varints.readVarlong(in);
            long[] sealedBuckets = new long[tierNames.length];
            Arrays.fill(sealedBuckets, Long.MIN_VALUE);
            for (int i = 0; i < tierCount; i++) {
                long sealed = (none & 1L << (i + 1)) != 0 ? Long.MIN_VALUE : latest - Varints.readVarlong(in);
                if (toConfigured[i] >= 0) {
                    sealedBuckets[toConfigured[i]] = sealed;
                }
            }
            long generation = Varints.readVarlong(in);
            if (generation < 0) {
                throw new SerializationException("open series continues base generation " + generation);
            }
            boolean continues = (flags & CONTINUES) != 0;
            int from = continues ? Varints.readUnsignedVarint(in) : 0;
            int operations = Varints.readUnsignedVarint(in);
            if (!asked) {
                // Another series than the one asked: its log is passed, neither copied nor decoded.
                int length = Varints.readUnsignedVarint(in);
                if (length < 0 || length > in.remaining() || from < 0 || operations < 0 || operations > length) {
                    throw new SerializationException("device tails claim " + operations + " operations after " + from
                            + " in " + length + " bytes for " + name(in, nameAt, nameLength));
                }
                in.position(in.position() + length);
                continue;
            }
            byte[] encoded = OpenSeriesSerde.readBytes(in);
            if (from < 0 || operations < 0 || operations > encoded.length) {
                throw new SerializationException("device tails claim " + operations + " operations after " + from
                        + " for " + metric);
            }
            Part part = parts.get(metric);
            if (continues) {
                if (part == null || part.unsegmented != null || part.generation != generation
                        || part.operations != from || !Arrays.equals(part.tiers, tiersOfRecord)) {
                    throw new SerializationException("a device-tails segment continues " + metric + " at operation "
                            + from + " of base " + generation + ", but the records before it hold "
                            + (part == null ? "none" : part.operations + " of base " + part.generation));
                }
            } else {
                part = new Part(tiersOfRecord, toConfigured, same);
                part.generation = generation;
                parts.put(metric, part);
            }
            part.latest = latest;
            part.newestSealedPoint = sealedPoint;
            part.newestSealedBuckets = sealedBuckets;
            part.openParts = (flags & OPEN_PARTS) != 0;
            part.operations += operations;
            part.log.raw(encoded, 0, encoded.length);
        }
        return id;
    }

    /** The name at {@code [at, at + length)} of {@code in}'s array, for a message. */
    private static String name(ByteBuffer in, int at, int length) {
        return new String(in.array(), at, length, StandardCharsets.UTF_8);
    }

    /** One series while a device's records are read: its newest clocks and its log so far. */
    private final class Part {
        private final OpenSeries unsegmented;
        private String[] tiers;
        private int[] toConfigured;
        private boolean sameTiers;
        private long latest;
        private long newestSealedPoint;
        private long[] newestSealedBuckets;
        private boolean openParts;
        private long generation;
        private int operations;
        private ByteWriter log;

        /** A series read from a record of version 1 or 2, complete as read. */
        Part(OpenSeries unsegmented) {
            this.unsegmented = unsegmented;
        }

        Part(String[] tiers, int[] toConfigured, boolean sameTiers) {
            this.unsegmented = null;
            this.tiers = tiers;
            this.toConfigured = toConfigured;
            this.sameTiers = sameTiers;
            this.log = new ByteWriter();
        }

        /** @param checkOnReplay whether its log is checked as it is first replayed rather than now */
        OpenSeries series(boolean checkOnReplay) {
            if (unsegmented != null) {
                return unsegmented;
            }
            OpenLog operationsLog = checkOnReplay ? OpenLog.checkedOnReplay(log.toByteArray(), operations, tiers.length)
                    : OpenLog.of(log.toByteArray(), operations, tiers.length);
            if (!sameTiers) {
                operationsLog = operationsLog.remapped(toConfigured);
            }
            OpenSeries series = tails.empty();
            synchronized (series) {
                series.restoreTail(generation, latest, newestSealedPoint, openParts, operationsLog);
                for (int tier = 0; tier < tierNames.length; tier++) {
                    series.sealedBucket(tier, newestSealedBuckets[tier]);
                }
                if (sameTiers && !checkOnReplay) {
                    // What the records hold of a series matters to the processor, which writes the next record; a
                    // reader's series (checked on replay) is never written, and recording it would decode its log
                    // once before the replay that checks it.
                    series.stored();
                }
            }
            return series;
        }
    }
}
