package io.spectracache.bench;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Time series in Redis the way one would keep them without a module: one sorted set per series (key
 * {@code series:<deviceId>:<metric>}), score = the point's epoch milliseconds, member = {@code <epoch-ms>:<value>} as
 * ASCII text ({@code 1795546800000:21.53}; the timestamp makes members unique, since two points of a series may have
 * the same value). A range read is {@code ZRANGEBYSCORE key from (to}: half-open like SpectraCache's.
 *
 * <p>{@link Loader} sends {@code ZADD key score member [score member ...]} with up to {@value #POINTS_PER_ZADD}
 * points per command, many commands per pipelined write. Not thread-safe.
 */
final class RedisSeries {
    /** Points per ZADD: enough to amortise a command, small enough to keep each reply and buffer small. */
    static final int POINTS_PER_ZADD = 100;
    /** Commands per pipelined write. */
    static final int COMMANDS_PER_WRITE = 200;

    private RedisSeries() {
    }

    static String key(String deviceId, String metric) {
        return "series:" + deviceId + ":" + metric;
    }

    /** The member of a point: {@code <epoch-ms>:<value>}, the value as Java writes a double (shortest exact form). */
    static String member(long timestamp, double value) {
        return timestamp + ":" + value;
    }

    /** {@code ZRANGEBYSCORE key from (to}: every point in [from, to). */
    static byte[] rangeCommand(String key, long from, long to) {
        return RespConnection.command("ZRANGEBYSCORE", key, Long.toString(from), "(" + to);
    }

    /**
     * A value of an {@code INFO} reply, such as {@code used_memory}: the text after {@code name:} on its own line.
     *
     * @throws IllegalArgumentException if there is no such line
     */
    static long infoLong(String info, String name) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(name + ":")) {
                return Long.parseLong(line.substring(name.length() + 1).trim());
            }
        }
        throw new IllegalArgumentException("no " + name + " in INFO: " + info.lines().limit(3).toList());
    }

    /** Buffers points per series and writes them as pipelined ZADDs. */
    static final class Loader implements AutoCloseable {
        private final RespConnection redis;
        private final Map<String, List<String>> pending = new HashMap<>();
        private final List<byte[]> commands = new ArrayList<>();
        private long points;
        private long errors;

        Loader(RespConnection redis) {
            this.redis = redis;
        }

        void add(String deviceId, String metric, long timestamp, double value) throws IOException {
            String key = key(deviceId, metric);
            List<String> buffer = pending.computeIfAbsent(key, k -> new ArrayList<>(2 * POINTS_PER_ZADD));
            buffer.add(Long.toString(timestamp));
            buffer.add(member(timestamp, value));
            points++;
            if (buffer.size() == 2 * POINTS_PER_ZADD) {
                commands.add(zadd(key, buffer));
                buffer.clear();
                if (commands.size() == COMMANDS_PER_WRITE) {
                    send();
                }
            }
        }

        static byte[] zadd(String key, List<String> scoresAndMembers) {
            byte[][] parts = new byte[2 + scoresAndMembers.size()][];
            parts[0] = "ZADD".getBytes(ISO_8859_1);
            parts[1] = key.getBytes(UTF_8);
            for (int i = 0; i < scoresAndMembers.size(); i++) {
                parts[2 + i] = scoresAndMembers.get(i).getBytes(UTF_8);
            }
            return RespConnection.command(parts);
        }

        private void send() throws IOException {
            if (!commands.isEmpty()) {
                errors += redis.pipeline(commands.toArray(new byte[0][]));
                commands.clear();
            }
        }

        /** Points added so far. */
        long points() {
            return points;
        }

        /** Writes what is buffered. */
        void flush() throws IOException {
            for (Map.Entry<String, List<String>> entry : pending.entrySet()) {
                if (!entry.getValue().isEmpty()) {
                    commands.add(zadd(entry.getKey(), entry.getValue()));
                    entry.getValue().clear();
                    if (commands.size() == COMMANDS_PER_WRITE) {
                        send();
                    }
                }
            }
            send();
        }

        /**
         * Writes what is buffered.
         *
         * @throws IOException if Redis answered any ZADD with an error
         */
        @Override
        public void close() throws IOException {
            flush();
            if (errors > 0) {
                throw new IOException(errors + " ZADD commands failed");
            }
        }
    }
}
