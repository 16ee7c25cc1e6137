package io.spectracache.bench;

import java.util.HashMap;
import java.util.Map;

/**
 * How many raw points a SpectraCache instance holds in sealed chunks ({@code timeseries-raw}) rather than in the open
 * chunk of each series ({@code timeseries-open}), computed from the points sent: the denominator of "bytes per raw
 * point on disk". It replays the time-series processor's sealing rule for series whose points arrive in time order:
 * a chunk is sealed when it holds {@code maxPoints} points, or before a point that lies {@code maxSpanMs} or more
 * after the chunk's first point. The number of chunks it counts is checked in the report against the processor's
 * own {@code spectra.timeseries.chunks.sealed} counter, so a change of the rule shows up as a mismatch rather than
 * as a wrong figure.
 *
 * <p>Only in-order series with distinct timestamps are modelled (late points are merged into sealed chunks, which
 * this does not replay): {@link #add} rejects anything else. Not thread-safe.
 *
 * <pre>{@code
 * SealedPoints sealed = new SealedPoints(120, 7_200_000);
 * sealed.add("truck-0001\u0000temp", 1_795_546_800_000L);
 * long perDisk = sealed.sealedPoints();
 * }</pre>
 */
final class SealedPoints {
    private final int maxPoints;
    private final long maxSpanMs;
    /** Per series: {first timestamp of the open chunk, points in it, newest timestamp}. */
    private final Map<String, long[]> open = new HashMap<>();
    private long sealedPoints;
    private long sealedChunks;
    private long points;

    /**
     * @param maxPoints the processor's {@code spectracache.timeseries.chunk.max.points}; at least 2
     * @param maxSpanMs the processor's {@code spectracache.timeseries.chunk.max.span.ms}; positive
     */
    SealedPoints(int maxPoints, long maxSpanMs) {
        if (maxPoints < 2 || maxSpanMs <= 0) {
            throw new IllegalArgumentException("maxPoints must be at least 2 and maxSpanMs positive, were " + maxPoints
                    + " and " + maxSpanMs);
        }
        this.maxPoints = maxPoints;
        this.maxSpanMs = maxSpanMs;
    }

    /**
     * One point of {@code series} (any key that names one device's metric) at {@code timestamp}.
     *
     * @return true if this is the series' first point
     * @throws IllegalArgumentException if the point is not after the series' newest point
     */
    boolean add(String series, long timestamp) {
        long[] chunk = open.get(series);
        if (chunk == null) {
            open.put(series, new long[] {timestamp, 1, timestamp});
            points++;
            return true;
        }
        if (timestamp <= chunk[2]) {
            throw new IllegalArgumentException("series " + series + ": point at " + timestamp
                    + " is not after the newest, " + chunk[2] + "; only in-order series are modelled");
        }
        if (chunk[1] == 0) {
            chunk[0] = timestamp; // the previous chunk was sealed full: this point starts the next one
        } else if (timestamp - chunk[0] >= maxSpanMs) {
            seal(chunk);
            chunk[0] = timestamp;
        }
        chunk[1]++;
        chunk[2] = timestamp;
        points++;
        if (chunk[1] >= maxPoints) {
            seal(chunk);
        }
        return false;
    }

    private void seal(long[] chunk) {
        if (chunk[1] == 0) {
            return;
        }
        sealedPoints += chunk[1];
        sealedChunks++;
        chunk[1] = 0;
    }

    /** Points in sealed chunks. */
    long sealedPoints() {
        return sealedPoints;
    }

    /** Sealed chunks: what the processor's {@code chunks.sealed} counter should show. */
    long sealedChunks() {
        return sealedChunks;
    }

    /** Every point added. */
    long points() {
        return points;
    }

    /** Points still in open chunks. */
    long openPoints() {
        return points - sealedPoints;
    }

    /** How many series were seen. */
    int series() {
        return open.size();
    }
}
