package io.spectracache.bench;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisSeriesTest {

    @Test
    void shouldKeepOneSortedSetPerSeriesWithTheTimestampInEveryMemberSoEqualValuesStayDistinct() {
        assertThat(RedisSeries.key("truck-0042", "temp")).isEqualTo("series:truck-0042:temp");
        assertThat(RedisSeries.member(1_795_546_800_000L, 21.53)).isEqualTo("1795546800000:21.53");
        assertThat(RedisSeries.member(1_795_546_800_000L, 21.5)).isNotEqualTo(RedisSeries.member(1_795_546_800_001L, 21.5));
    }

    @Test
    void shouldReadHalfOpenRangesLikeSpectraCache() {
        assertThat(new String(RedisSeries.rangeCommand("series:d:temp", 100, 200), ISO_8859_1))
                .isEqualTo("*4\r\n$13\r\nZRANGEBYSCORE\r\n$13\r\nseries:d:temp\r\n$3\r\n100\r\n$4\r\n(200\r\n");
    }

    @Test
    void shouldWriteScoresAndMembersInPairsAfterTheKey() {
        byte[] zadd = RedisSeries.Loader.zadd("series:d:temp", List.of("1", "1:2.5", "2", "2:2.5"));

        assertThat(new String(zadd, ISO_8859_1)).isEqualTo("*6\r\n$4\r\nZADD\r\n$13\r\nseries:d:temp\r\n$1\r\n1\r\n$5\r\n1:2.5\r\n"
                + "$1\r\n2\r\n$5\r\n2:2.5\r\n");
    }

    @Test
    void shouldReadUsedMemoryFromAnInfoReply() {
        String info = "# Memory\r\nused_memory:1085112\r\nused_memory_human:1.03M\r\nused_memory_rss:7364608\r\n"
                + "used_memory_dataset:23144\r\n";

        assertThat(RedisSeries.infoLong(info, "used_memory")).isEqualTo(1_085_112L);
        assertThat(RedisSeries.infoLong(info, "used_memory_dataset")).isEqualTo(23_144L);
        assertThatThrownBy(() -> RedisSeries.infoLong(info, "used_memory_peak")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldCountTheElementsOfAnArrayReplyNotOfItsLastElement() throws IOException {
        ByteReader in = new ByteReader(new ByteArrayInputStream(
                "*3\r\n$3\r\n1:a\r\n*1\r\n$1\r\nx\r\n$3\r\n3:c\r\n*0\r\n*-1\r\n:1\r\n".getBytes(ISO_8859_1)), 8);
        RespConnection.ReplyParser parser = new RespConnection.ReplyParser();

        assertThat(parser.read(in)).isEqualTo('*');
        assertThat(parser.arrayLength()).isEqualTo(3);
        assertThat(parser.read(in)).isEqualTo('*');
        assertThat(parser.arrayLength()).as("empty range").isZero();
        assertThat(parser.read(in)).isEqualTo('*');
        assertThat(parser.arrayLength()).as("nil array").isEqualTo(-1);
        assertThat(parser.read(in)).isEqualTo(':');
        assertThat(parser.arrayLength()).as("not an array").isEqualTo(-1);
    }
}
