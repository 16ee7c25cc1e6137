package io.spectracache.bench;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class SeriesJsonTest {

    private static long count(String json, String field) throws IOException {
        byte[] bytes = (json + "trailing bytes of a reused buffer").getBytes(UTF_8);
        return SeriesJson.count(bytes, json.getBytes(UTF_8).length, field);
    }

    @Test
    void shouldCountRawPointsWhateverFieldsComeBeforeOrAfterThem() throws IOException {
        String json = "{\"deviceId\":\"truck-0042\",\"metric\":\"temp\",\"from\":\"2026-11-30T10:00:00Z\","
                + "\"points\":[[1795546800000,21.5],[1795546801000,-0.0],[1795546802000,1.0E-300]],\"to\":\"x\"}";

        assertThat(count(json, "points")).isEqualTo(3);
    }

    @Test
    void shouldCountBucketsAndAnswerMinusOneWithoutTheField() throws IOException {
        String json = "{\"step\":\"1m\",\"tier\":\"1m\",\"buckets\":[{\"start\":1,\"avg\":2.5,\"p95\":3.0},{\"start\":2,\"avg\":1}]}";

        assertThat(count(json, "buckets")).isEqualTo(2);
        assertThat(count(json, "points")).isEqualTo(-1);
        assertThat(count("{\"points\":[]}", "points")).isZero();
    }

    @Test
    void shouldSumTheDevicesOfEveryGroup() throws IOException {
        String json = "{\"metric\":\"temp\",\"groupBy\":\"model\",\"groups\":[{\"group\":\"Actros 1845\",\"devices\":550,"
                + "\"buckets\":[{\"start\":1,\"avg\":21.6,\"p95\":22.9}]},{\"group\":\"SGM-3\",\"devices\":150,\"buckets\":[]},"
                + "{\"group\":\"eSprinter\",\"devices\":300,\"buckets\":[{\"start\":1,\"avg\":1}]}],\"partial\":false,"
                + "\"failedInstances\":[],\"partitions\":[0,1,2,3]}";
        byte[] bytes = json.getBytes(UTF_8);

        assertThat(SeriesJson.groups(bytes, bytes.length)).containsExactly(1_000, 3);
    }

    @Test
    void shouldRejectAnAnswerThatIsNotAnObject() {
        byte[] bytes = "[1,2]".getBytes(UTF_8);

        assertThatThrownBy(() -> SeriesJson.count(bytes, bytes.length, "points")).isInstanceOf(IOException.class);
    }
}
