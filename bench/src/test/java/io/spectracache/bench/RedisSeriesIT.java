package io.spectracache.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The Redis side of the time-series benchmark against Debian's redis-server (skipped where it is not installed). */
@Tag("integration")
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class RedisSeriesIT {

    @TempDir
    Path dir;

    @Test
    void shouldAnswerAHalfOpenRangeWithEveryPointLoadedEvenWhereValuesRepeat() throws Exception {
        Optional<Path> executable = RedisServer.find();
        assumeTrue(executable.isPresent(), "redis-server is not on the PATH");
        try (RedisServer redis = RedisServer.start(executable.get(), dir, Duration.ofSeconds(20));
             RespConnection client = RespConnection.open("127.0.0.1", redis.port())) {
            client.call(RespConnection.command("INFO", "memory"));
            long before = RedisSeries.infoLong(client.bulkText(), "used_memory");
            long loaded;
            try (RespConnection loading = RespConnection.open("127.0.0.1", redis.port());
                 RedisSeries.Loader loader = new RedisSeries.Loader(loading)) {
                for (int i = 0; i < 1_000; i++) {
                    loader.add("truck-0001", "temp", 1_000L * i, 21.5);     // the same value every time
                    loader.add("truck-0002", "temp", 1_000L * i, i / 10.0);
                }
                loaded = loader.points();
            }

            client.call(RedisSeries.rangeCommand(RedisSeries.key("truck-0001", "temp"), 100_000, 200_000));
            assertThat(client.type()).isEqualTo('*');
            assertThat(client.arrayLength()).as("[100 s, 200 s) at one point a second").isEqualTo(100);
            client.call(RespConnection.command("ZCARD", RedisSeries.key("truck-0002", "temp")));
            assertThat(client.text()).isEqualTo("1000");
            client.call(RespConnection.command("INFO", "memory"));
            assertThat(RedisSeries.infoLong(client.bulkText(), "used_memory")).isGreaterThan(before);
            assertThat(loaded).isEqualTo(2_000);
        }
    }
}
