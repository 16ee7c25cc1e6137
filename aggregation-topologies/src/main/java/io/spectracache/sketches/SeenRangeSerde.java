package io.spectracache.sketches;

import io.spectracache.serialization.StatelessSerde;
import io.spectracache.serialization.Varints;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The stored form of a {@link SeenRange}. Stateless and thread-safe.
 *
 * <p>Format version 1:
 * <pre>
 * byte     version = 1
 * varlong  first (zig-zag)
 * varlong  last - first (zig-zag)
 * </pre>
 * Nothing may follow.
 */
public final class SeenRangeSerde extends StatelessSerde<SeenRange> {
    static final byte VERSION_1 = 1;

    @Override
    public byte[] serialize(String topic, SeenRange seen) {
        if (seen == null) {
            return null;
        }
        ByteBuffer out = ByteBuffer.allocate(1 + 2 * Varints.MAX_VARLONG_BYTES);
        out.put(VERSION_1);
        Varints.writeVarlong(seen.first(), out);
        Varints.writeVarlong(seen.last() - seen.first(), out);
        return Arrays.copyOf(out.array(), out.position());
    }

    @Override
    public SeenRange deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(data);
            byte version = in.get();
            if (version != VERSION_1) {
                throw new SerializationException("unknown seen-range version " + version);
            }
            long first = Varints.readVarlong(in);
            long span = Varints.readVarlong(in);
            if (in.hasRemaining()) {
                throw new SerializationException("seen range has bytes after its span");
            }
            return new SeenRange(first, first + span);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new SerializationException("not a seen range", e);
        }
    }
}
