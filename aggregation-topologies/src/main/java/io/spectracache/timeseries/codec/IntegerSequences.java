package io.spectracache.timeseries.codec;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Codes a sequence of 64-bit integers in a bit stream, choosing per sequence what costs the fewest bits: the
 * integers as they are, or their first or second differences (the order), then the residuals bit-packed from their
 * minimum (at one width, or in truncated binary over their range), or Rice-coded from their minimum, or Rice-coded
 * zig-zag around zero. Which pays depends on the data: a regular timer is constant deltas (width 0), readings drawn
 * uniformly fill a range (truncated binary), a random walk has small deltas around zero (Rice zig-zag), the gaps of
 * a device reporting at random have an exponential tail (Rice from the minimum). All arithmetic wraps (two's
 * complement), so every sequence of longs round-trips exactly. The layout is part of {@link GorillaCodec}'s format
 * version 2, described there. Stateless and thread-safe.
 *
 * <pre>{@code
 * IntegerSequences.Plan plan = IntegerSequences.plan(values, n);     // one pass: cheapest order and coder
 * IntegerSequences.write(out, values, n, scratch, plan);
 * IntegerSequences.read(in, decoded, 0, n);
 * }</pre>
 */
final class IntegerSequences {
    /** Order: the integers as they are. */
    static final int AS_THEY_ARE = 0;
    /** Order: first differences, after the first integer. */
    static final int DELTAS = 1;
    /** Order: second differences, after the first integer and the first difference. */
    static final int DELTAS_OF_DELTAS = 2;

    /** Coder: every residual minus the minimum in the same number of bits. */
    static final int PACKED = 0;
    /** Coder: every residual minus the minimum, Rice-coded. */
    static final int RICE_FROM_MIN = 1;
    /** Coder: every residual zig-zag encoded, Rice-coded. */
    static final int RICE_ZIGZAG = 2;
    /** Coder: every residual minus the minimum in truncated binary over the range: one bit less for the smallest. */
    static final int TRUNCATED_BINARY = 3;

    /** Quotients of this many one bits or more are escaped: the quotient follows in {@code 64 - k} bits. */
    static final int ESCAPE = 24;

    private IntegerSequences() {
    }

    /**
     * Chooses how to write {@code values[0..count)} ({@code count >= 1}) from one pass over them, gathering the
     * minimum, maximum, sum and sum of zig-zag forms of the residuals of every order at once.
     */
    static Plan plan(long[] values, int count) {
        long previous = values[0];
        long min0 = previous;
        long max0 = previous;
        long sum0 = previous;
        long zigzag0 = zigzag(previous);
        long min1 = Long.MAX_VALUE;
        long max1 = Long.MIN_VALUE;
        long min2 = Long.MAX_VALUE;
        long max2 = Long.MIN_VALUE;
        // Sums wrap; they are exact whenever the residuals are small enough to matter (see plan below).
        long sum1 = 0;
        long zigzag1 = 0;
        long sum2 = 0;
        long zigzag2 = 0;
        long previousDelta = 0;
        if (count >= 2) {
            long x = values[1];
            min0 = Math.min(min0, x);
            max0 = Math.max(max0, x);
            sum0 += x;
            zigzag0 += zigzag(x);
            previousDelta = x - previous;
            min1 = previousDelta;
            max1 = previousDelta;
            sum1 = previousDelta;
            zigzag1 = zigzag(previousDelta);
            previous = x;
        }
        for (int i = 2; i < count; i++) {
            long x = values[i];
            min0 = Math.min(min0, x);
            max0 = Math.max(max0, x);
            sum0 += x;
            zigzag0 += zigzag(x);
            long delta = x - previous;
            min1 = Math.min(min1, delta);
            max1 = Math.max(max1, delta);
            sum1 += delta;
            zigzag1 += zigzag(delta);
            long second = delta - previousDelta;
            min2 = Math.min(min2, second);
            max2 = Math.max(max2, second);
            sum2 += second;
            zigzag2 += zigzag(second);
            previous = x;
            previousDelta = delta;
        }
        Plan best = plan(AS_THEY_ARE, count, min0, max0, sum0, zigzag0, 0);
        Plan deltas = plan(DELTAS, count - 1, min1, max1, sum1, zigzag1, signedBits(values[0]));
        best = deltas.bits < best.bits ? deltas : best;
        if (count >= 2) {
            Plan second = plan(DELTAS_OF_DELTAS, count - 2, min2, max2, sum2, zigzag2,
                    signedBits(values[0]) + signedBits(values[1] - values[0]));
            best = second.bits < best.bits ? second : best;
        }
        return best;
    }

    /**
     * Writes {@code values[0..count)} as {@code plan} (from {@link #plan} for the same values) says, using
     * {@code scratch} (at least {@code count} longs) for the residuals.
     */
    static void write(BitOutput out, long[] values, int count, long[] scratch, Plan plan) {
        int residuals = residuals(values, count, plan.order, scratch);
        if ((plan.coder == RICE_FROM_MIN || plan.coder == RICE_ZIGZAG) && residuals > 0) {
            refineRice(plan, scratch, residuals);
        }
        out.write(plan.order, 2);
        if (plan.order >= 1) {
            writeSigned(out, values[0]);
        }
        if (plan.order == DELTAS_OF_DELTAS) {
            writeSigned(out, values[1] - values[0]);
        }
        if (residuals == 0) {
            return;
        }
        out.write(plan.coder, 2);
        switch (plan.coder) {
            case PACKED -> {
                writeSigned(out, plan.base);
                out.write(plan.parameter, 7);
                for (int i = 0; i < residuals; i++) {
                    out.write(scratch[i] - plan.base, plan.parameter);
                }
            }
            case RICE_FROM_MIN -> {
                writeSigned(out, plan.base);
                out.write(plan.parameter, 6);
                for (int i = 0; i < residuals; i++) {
                    writeRice(out, scratch[i] - plan.base, plan.parameter);
                }
            }
            case TRUNCATED_BINARY -> {
                writeSigned(out, plan.base);
                int width = plan.parameter;
                out.write(width, 7);
                out.write(plan.range, width);
                long shortCodes = mask(width) - plan.range;
                for (int i = 0; i < residuals; i++) {
                    long x = scratch[i] - plan.base;
                    if (Long.compareUnsigned(x, shortCodes) < 0) {
                        out.write(x, width - 1);
                    } else {
                        out.write(x + shortCodes, width);
                    }
                }
            }
            default -> {
                out.write(plan.parameter, 6);
                for (int i = 0; i < residuals; i++) {
                    writeRice(out, zigzag(scratch[i]), plan.parameter);
                }
            }
        }
    }

    /** Reads a sequence of {@code count} integers ({@code count >= 1}) into {@code values[from..from + count)}. */
    static void read(BitInput in, long[] values, int from, int count) {
        Layout layout = Layout.read(in, count);
        layout.readResiduals(in, values, from);
        layout.sum(values, from);
    }

    /**
     * Reads a sequence of {@code aCount} integers from {@code a} into {@code aValues[aFrom..aFrom + aCount)} and one of
     * {@code bCount} from {@code b} into {@code bValues[bFrom..bFrom + bCount)}, as {@link #read} reads each: the same
     * integers and errors, but when both are Rice-coded their codes are read interleaved
     * ({@link BitInput#readRicePair}), which takes about two thirds of the time of reading them one after the other.
     */
    static void readPair(BitInput a, long[] aValues, int aFrom, int aCount,
                         BitInput b, long[] bValues, int bFrom, int bCount) {
        Layout aLayout = Layout.read(a, aCount);
        Layout bLayout = Layout.read(b, bCount);
        if (aLayout.rice() && bLayout.rice()) {
            BitInput.readRicePair(a, aValues, aFrom + aLayout.order, aFrom + aCount, aLayout.parameter, aLayout.base,
                    aLayout.coder == RICE_ZIGZAG, b, bValues, bFrom + bLayout.order, bFrom + bCount, bLayout.parameter,
                    bLayout.base, bLayout.coder == RICE_ZIGZAG, ESCAPE);
        } else {
            aLayout.readResiduals(a, aValues, aFrom);
            bLayout.readResiduals(b, bValues, bFrom);
        }
        aLayout.sum(aValues, aFrom);
        bLayout.sum(bValues, bFrom);
    }

    /** A sequence's fields before its residuals, as read: its order, first integers, coder and the coder's parameters. */
    private static final class Layout {
        private final int count;
        private final int order;
        private final long first;
        private final long firstDelta;
        /** The coder, or -1 when no residuals remain. */
        private int coder = -1;
        private long base;
        /** The width in bits (packed or truncated binary), or Rice's k. */
        private int parameter;
        private long shortCodes;

        private Layout(int count, int order, long first, long firstDelta) {
            this.count = count;
            this.order = order;
            this.first = first;
            this.firstDelta = firstDelta;
        }

        /** Reads the fields of a sequence of {@code count} integers up to its first residual. */
        static Layout read(BitInput in, int count) {
            int order = (int) in.read(2);
            if (order > DELTAS_OF_DELTAS || order > count) {
                throw new SerializationException("time-series chunk has an integer sequence of unknown order " + order);
            }
            long first = order >= 1 ? readSigned(in) : 0;
            long firstDelta = order == DELTAS_OF_DELTAS ? readSigned(in) : 0;
            Layout layout = new Layout(count, order, first, firstDelta);
            if (count - order == 0) {
                return layout;
            }
            layout.coder = (int) in.read(2);
            switch (layout.coder) {
                case PACKED -> {
                    layout.base = readSigned(in);
                    layout.parameter = (int) in.read(7);
                    if (layout.parameter > 64) {
                        throw new SerializationException("time-series chunk packs integers " + layout.parameter
                                + " bits wide");
                    }
                }
                case RICE_FROM_MIN -> {
                    layout.base = readSigned(in);
                    layout.parameter = (int) in.read(6);
                }
                case TRUNCATED_BINARY -> {
                    layout.base = readSigned(in);
                    layout.parameter = (int) in.read(7);
                    if (layout.parameter == 0 || layout.parameter > 64) {
                        throw new SerializationException("time-series chunk has a truncated binary code "
                                + layout.parameter + " bits wide");
                    }
                    layout.shortCodes = mask(layout.parameter) - in.read(layout.parameter);
                }
                default -> layout.parameter = (int) in.read(6); // RICE_ZIGZAG
            }
            return layout;
        }

        boolean rice() {
            return coder == RICE_FROM_MIN || coder == RICE_ZIGZAG;
        }

        /** Reads the residuals into {@code values[from + order, from + count)}. */
        void readResiduals(BitInput in, long[] values, int from) {
            int end = from + count;
            switch (coder) {
                case PACKED -> in.readPacked(values, from + order, end, parameter, base);
                case RICE_FROM_MIN -> in.readRice(values, from + order, end, parameter, ESCAPE, base, false);
                case TRUNCATED_BINARY -> in.readTruncated(values, from + order, end, parameter, shortCodes, base);
                case RICE_ZIGZAG -> in.readRice(values, from + order, end, parameter, ESCAPE, 0, true);
                default -> {
                    // No residuals.
                }
            }
        }

        /** Turns the residuals in {@code values[from, from + count)} into the integers, by the order's sums. */
        void sum(long[] values, int from) {
            int end = from + count;
            // The running sums are kept in locals: a sum read back from the array it was just stored to waits for the
            // store on every element.
            if (order == DELTAS) {
                values[from] = first;
                long sum = first;
                for (int i = from + 1; i < end; i++) {
                    sum += values[i];
                    values[i] = sum;
                }
            } else if (order == DELTAS_OF_DELTAS) {
                values[from] = first;
                long delta = firstDelta;
                long sum = first + delta;
                if (count > 1) {
                    values[from + 1] = sum;
                }
                for (int i = from + 2; i < end; i++) {
                    delta += values[i];
                    sum += delta;
                    values[i] = sum;
                }
            }
        }
    }

    /** One choice of order and coder, its parameter (a width, or Rice's k) and its estimated cost in bits. */
    static final class Plan {
        int order;
        int coder;
        long base;
        /** The width in bits (packed or truncated binary), or Rice's k. */
        int parameter;
        /** Truncated binary's range: the largest residual minus the smallest. */
        long range;
        double bits;

        /** The estimated bits of the whole sequence. */
        double bits() {
            return bits;
        }
    }

    /** Fills {@code scratch} with the residuals of {@code order}; returns how many. */
    private static int residuals(long[] values, int count, int order, long[] scratch) {
        switch (order) {
            case AS_THEY_ARE -> {
                System.arraycopy(values, 0, scratch, 0, count);
                return count;
            }
            case DELTAS -> {
                for (int i = 1; i < count; i++) {
                    scratch[i - 1] = values[i] - values[i - 1];
                }
                return count - 1;
            }
            default -> {
                for (int i = 2; i < count; i++) {
                    scratch[i - 2] = values[i] - 2 * values[i - 1] + values[i - 2];
                }
                return Math.max(0, count - 2);
            }
        }
    }

    /** Residuals this close to their minimum, or to zero, have sums that are exact in 64 bits (2^20 points at most). */
    private static final long EXACT_SUMS = 1L << 42;

    /**
     * The cheapest coder for {@code residuals} residuals with these statistics: bit-packing's cost is exact, Rice's
     * is estimated from the mean (the floor of {@code u / 2^k} loses half a unit on average). The wrapping sums are
     * exact when the residuals are within 2^42 of their minimum (or of zero); beyond, Rice is estimated from the
     * range alone, where it hardly ever beats packing.
     */
    private static Plan plan(int order, int residuals, long min, long max, long sum, long zigzagSum, int headBits) {
        Plan plan = new Plan();
        plan.order = order;
        if (residuals == 0) {
            plan.bits = 2 + headBits;
            return plan;
        }
        long range = max - min;
        int width = 64 - Long.numberOfLeadingZeros(range);
        double packed = signedBits(min) + 7 + (double) residuals * width;
        double fromMinSum = range >= 0 && range < EXACT_SUMS ? sum - residuals * min
                : residuals * unsignedToDouble(range) / 2;
        int fromMinK = riceParameter(fromMinSum / residuals);
        double fromMin = signedBits(min) + 6 + riceBits(residuals, fromMinSum, fromMinK);
        boolean nearZero = min > -EXACT_SUMS && max < EXACT_SUMS;
        double zigzagTotal = nearZero ? zigzagSum : residuals * Math.max(Math.abs((double) min), Math.abs((double) max));
        int zigzagK = riceParameter(zigzagTotal / residuals);
        double zigzag = 6 + riceBits(residuals, zigzagTotal, zigzagK);
        plan.coder = PACKED;
        plan.base = min;
        plan.parameter = width;
        plan.bits = packed;
        if (width > 1) {
            // Truncated binary saves a bit on the 2^w - 1 - range smallest residuals; taken as uniform here.
            double shortShare = unsignedToDouble(mask(width) - range) / (unsignedToDouble(range) + 1);
            double truncated = packed + width - residuals * shortShare;
            if (truncated < plan.bits) {
                plan.coder = TRUNCATED_BINARY;
                plan.range = range;
                plan.bits = truncated;
            }
        }
        if (fromMin < plan.bits) {
            plan.coder = RICE_FROM_MIN;
            plan.parameter = fromMinK;
            plan.bits = fromMin;
        }
        if (zigzag < plan.bits) {
            plan.coder = RICE_ZIGZAG;
            plan.base = 0;
            plan.parameter = zigzagK;
            plan.bits = zigzag;
        }
        plan.bits += 4 + headBits;
        return plan;
    }

    private static double unsignedToDouble(long value) {
        return value >= 0 ? value : (double) (value >>> 1) * 2;
    }

    /** The k that minimises Rice's expected cost for a geometric distribution of this mean. */
    private static int riceParameter(double mean) {
        if (!(mean >= 1)) {
            return 0;
        }
        int k = 63 - Long.numberOfLeadingZeros((long) Math.min(mean * 0.6931471805599453, 0x1p62));
        return Math.max(0, Math.min(63, k));
    }

    private static double riceBits(int count, double sum, int k) {
        if (k == 0) {
            return count + sum;
        }
        double scale = Math.scalb(1.0, -k);
        return count * (k + 1.0) + Math.max(0, sum * scale - count * 0.5 * (1 - scale));
    }

    /** Picks the exact best of {@code k - 1, k, k + 1} for the chosen Rice coder. */
    private static void refineRice(Plan plan, long[] scratch, int residuals) {
        int k = plan.parameter;
        long below = 0;
        long at = 0;
        long above = 0;
        for (int i = 0; i < residuals; i++) {
            long u = plan.coder == RICE_FROM_MIN ? scratch[i] - plan.base : zigzag(scratch[i]);
            below += k == 0 ? 0 : riceLength(u, k - 1);
            at += riceLength(u, k);
            above += k == 63 ? 0 : riceLength(u, k + 1);
        }
        if (k > 0 && below < at && (k == 63 || below <= above)) {
            plan.parameter = k - 1;
        } else if (k < 63 && above < at) {
            plan.parameter = k + 1;
        }
    }

    private static long riceLength(long u, int k) {
        long quotient = u >>> k;
        return quotient < ESCAPE ? quotient + 1 + k : ESCAPE + 64;
    }

    private static void writeRice(BitOutput out, long u, int k) {
        long quotient = u >>> k;
        if (quotient < ESCAPE && k <= 64 - ESCAPE - 1) {
            // q ones, a zero and k bits in one write: ((2^q - 1) << 1) << k | the k low bits of u
            out.write(((((1L << quotient) - 1) << 1) << k) | (u & ((1L << k) - 1)), (int) quotient + 1 + k);
            return;
        }
        if (quotient < ESCAPE) {
            out.writeOnes((int) quotient);
            out.write(0, 1);
        } else {
            out.writeOnes(ESCAPE);
            out.write(quotient, 64 - k);
        }
        out.write(u, k);
    }

    /** The lowest {@code width} bits set (0..64). */
    private static long mask(int width) {
        return width == 64 ? -1L : (1L << width) - 1;
    }

    static long zigzag(long x) {
        return (x << 1) ^ (x >> 63);
    }

    /** A signed long in the bit stream: 7 bits for the width w of its zig-zag form (0..64), then those w bits. */
    static void writeSigned(BitOutput out, long value) {
        long u = zigzag(value);
        int width = 64 - Long.numberOfLeadingZeros(u);
        out.write(width, 7);
        out.write(u, width);
    }

    static long readSigned(BitInput in) {
        int width = (int) in.read(7);
        if (width > 64) {
            throw new SerializationException("time-series chunk has an integer " + width + " bits wide");
        }
        long u = in.read(width);
        return (u >>> 1) ^ -(u & 1);
    }

    static int signedBits(long value) {
        return 7 + 64 - Long.numberOfLeadingZeros(zigzag(value));
    }
}
