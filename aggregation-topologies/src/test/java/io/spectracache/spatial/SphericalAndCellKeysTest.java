package io.spectracache.spatial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

class SphericalAndCellKeysTest {
    @Test
    void shouldMeasureDistancesOnTheSphereAcrossTheAntimeridianAndThePoles() {
        assertThat(Spherical.distanceM(52.52, 13.405, 48.8566, 2.3522)).isCloseTo(877_500, within(1_000.0));
        assertThat(Spherical.distanceM(0, 179.99, 0, -179.99)).isCloseTo(2_224, within(1.0));
        assertThat(Spherical.distanceM(89.999, 0, 89.999, 180)).isCloseTo(222.4, within(0.1));
        assertThat(Spherical.distanceM(0, 0, 0, 180)).isEqualTo(Spherical.MAX_DISTANCE_M);
        assertThat(Spherical.distanceM(1, 2, 1, 2)).isZero();
    }

    @Test
    void shouldTellWhetherABoxHoldsAPointAcrossTheAntimeridianAndOnIt() {
        assertThat(Spherical.boxContains(-5, 170, 5, -170, 0, 175)).isTrue();
        assertThat(Spherical.boxContains(-5, 170, 5, -170, 0, -175)).isTrue();
        assertThat(Spherical.boxContains(-5, 170, 5, -170, 0, 0)).isFalse();
        assertThat(Spherical.boxContains(-5, 170, 5, 180, 0, -180)).as("-180 is 180").isTrue();
        assertThat(Spherical.boxContains(-5, -180, 5, -170, 0, 180)).as("180 is -180").isTrue();
        assertThat(Spherical.boxContains(80, -180, 90, 180, 90, 12)).isTrue();
        assertThat(Spherical.boxContains(0, 0, 1, 1, 1.0000001, 0.5)).isFalse();
    }

    @Test
    void shouldKeyTheIndexByCellThenDeviceAndReadBothBack() {
        long cell = CellKeys.cellOf(52.52, 13.405);
        Bytes key = CellKeys.indexKey(cell, "truck-ä");

        assertThat(CellKeys.cellOfKey(key)).isEqualTo(cell);
        assertThat(CellKeys.deviceOfKey(key)).isEqualTo("truck-ä");
        assertThat(java.nio.ByteBuffer.wrap(key.get()).getLong()).isEqualTo(cell);
        assertThat(com.google.common.geometry.S2CellId.fromLatLng(com.google.common.geometry.S2LatLng.fromDegrees(52.52, 13.405))
                .parent(CellKeys.INDEX_LEVEL).id()).isEqualTo(cell);
        assertThat(new com.google.common.geometry.S2CellId(cell).level()).isEqualTo(CellKeys.INDEX_LEVEL);
    }

    @Test
    void shouldSpanEveryKeyOfItsCellsInARangeAndNoOther() {
        CellKeys.CellRange range = CellKeys.radius(52.52, 13.405, 1_000, CellKeys.DEFAULT_MAX_CELLS).get(0);
        Bytes first = CellKeys.indexKey(range.min(), "a");
        Bytes last = CellKeys.indexKey(range.max(), "zzzzzzzzzzzzzzzzzzzz\uffff");
        Bytes after = CellKeys.indexKey(range.max() + 2, "");

        assertThat(first.compareTo(range.fromKey())).isPositive();
        assertThat(last.compareTo(range.toKey())).isNegative();
        assertThat(range.toKey().compareTo(after)).isNegative();
    }

    @Test
    void shouldJoinAdjacentAndOverlappingRanges() {
        List<CellKeys.CellRange> merged = CellKeys.merged(List.of(new CellKeys.CellRange(11, 21),
                new CellKeys.CellRange(1, 9), new CellKeys.CellRange(15, 17), new CellKeys.CellRange(25, 31)));

        assertThat(merged).containsExactly(new CellKeys.CellRange(1, 21), new CellKeys.CellRange(25, 31));
    }

    @Test
    void shouldCoverTheWholeSphereOnceARadiusReachesTheAntipode() {
        assertThat(CellKeys.radius(10, 10, Spherical.MAX_DISTANCE_M, 12)).isEqualTo(CellKeys.everything());
        CellKeys.CellRange all = CellKeys.everything().get(0);
        assertThat(all.contains(CellKeys.cellOf(-90, 0))).isTrue();
        assertThat(all.contains(CellKeys.cellOf(90, 180))).isTrue();
    }
}
