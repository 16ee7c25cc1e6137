package io.spectracache.keyvalue;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.spectracache.flight.FlightBatches;
import io.spectracache.flight.FlightDataset;
import io.spectracache.query.ScatterQuery;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.TimeStampMilliTZVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The Flight dataset {@code kv-entries}: every live cache entry in key order, read through
 * {@link KeyValueQueries#SCAN} from every instance. Ticket: {@code {"dataset":"kv-entries","prefix":"user:"}}.
 */
public final class KvEntriesFlight implements FlightDataset {
    static final Schema SCHEMA = new Schema(List.of(
            new Field("key", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
            new Field("value", FieldType.notNullable(ArrowType.Binary.INSTANCE), null),
            new Field("contentType", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
            new Field("writtenAt", FieldType.notNullable(FlightBatches.UTC_MILLIS), null),
            new Field("expiresAt", FieldType.nullable(FlightBatches.UTC_MILLIS), null)));
    private static final long MAX_PAGE_BYTES = 16L * 1024 * 1024;

    @Override
    public String name() {
        return "kv-entries";
    }

    @Override
    public String description() {
        return "Every live entry of the key-value cache: key, value bytes, content type, write and expiry time";
    }

    @Override
    public Schema schema() {
        return SCHEMA;
    }

    @Override
    public Map<String, String> parameters() {
        return Map.of("prefix", "only keys that start with it");
    }

    @Override
    public ScatterQuery<?, ?> scan() {
        return KeyValueQueries.SCAN;
    }

    @Override
    public Reader open(Map<String, String> parameters, Pages pages) {
        String prefix = FlightBatches.prefix(parameters);
        return FlightBatches.paged((cursor, rows) -> {
            KeyValueQueries.ScanPart page = pages.page(KeyValueQueries.SCAN, new KeyValueQueries.ScanRequest(prefix, null, null, cursor, rows, MAX_PAGE_BYTES));
            return new FlightBatches.Page<>(page.items(), page.nextCursor());
        }, KvEntriesFlight::write);
    }

    static void write(List<ScanPage.Item> items, VectorSchemaRoot root) {
        root.allocateNew();
        VarCharVector keys = (VarCharVector) root.getVector("key");
        VarBinaryVector values = (VarBinaryVector) root.getVector("value");
        VarCharVector types = (VarCharVector) root.getVector("contentType");
        TimeStampMilliTZVector written = (TimeStampMilliTZVector) root.getVector("writtenAt");
        TimeStampMilliTZVector expires = (TimeStampMilliTZVector) root.getVector("expiresAt");
        for (int row = 0; row < items.size(); row++) {
            ScanPage.Item item = items.get(row);
            keys.setSafe(row, item.key().getBytes(UTF_8));
            values.setSafe(row, "base64".equals(item.encoding())
                    ? Base64.getDecoder().decode(item.value()) : item.value().getBytes(UTF_8));
            if (item.contentType() == null) {
                types.setNull(row);
            } else {
                types.setSafe(row, item.contentType().getBytes(UTF_8));
            }
            written.setSafe(row, item.writtenAt().toEpochMilli());
            Instant expiry = item.expiresAt();
            if (expiry == null) {
                expires.setNull(row);
            } else {
                expires.setSafe(row, expiry.toEpochMilli());
            }
        }
        root.setRowCount(items.size());
    }
}
