package io.spectracache.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Issue 6, item 10: after the embedded broker and the application were killed together, a changelog partition kept
 * an open transaction that its coordinator had forgotten (producer 3, epoch 82, while the coordinator was at epoch
 * 650 without that partition); restoration stopped at it and the instance never became ready. Later the same on
 * {@code __consumer_offsets}: an open transactional offset commit made every committed-offset fetch "unstable".
 */
class HangingTransactionGuardTest {
    private static final TopicPartition CHANGELOG = new TopicPartition("spectracache-ingest-dedup-changelog", 2);
    private static final TopicPartition OFFSETS = new TopicPartition("__consumer_offsets", 2);
    private static final Duration CONFIRM_AFTER = Duration.ofSeconds(5);
    private static final long NOW = 1_000_000_000L;

    @Test
    void shouldAbortATransactionWhoseCoordinatorHasMovedOnToANewerEpoch() {
        List<AbortTransactionSpec> hanging = HangingTransactionGuard.hanging(
                Map.of(CHANGELOG, List.of(open(3, 82))),
                Map.of(3L, coordinator(3, 650, TransactionState.ONGOING, Set.of(new TopicPartition("spectra.events", 0)))));
        assertThat(hanging).containsExactly(new AbortTransactionSpec(CHANGELOG, 3, (short) 82, 0));
    }

    @Test
    void shouldAbortATransactionOnAPartitionItsCoordinatorDoesNotList() {
        assertThat(HangingTransactionGuard.hanging(
                Map.of(CHANGELOG, List.of(open(3, 82))),
                Map.of(3L, coordinator(3, 82, TransactionState.ONGOING, Set.of(new TopicPartition("spectra.events", 2)))))).hasSize(1);
    }

    @Test
    void shouldLeaveAnOngoingTransactionItsCoordinatorCountsAlone() {
        assertThat(HangingTransactionGuard.hanging(
                Map.of(CHANGELOG, List.of(open(3, 82))),
                Map.of(3L, coordinator(3, 82, TransactionState.ONGOING, Set.of(CHANGELOG))))).isEmpty();
    }

    @Test
    void shouldLeaveATransactionAloneWhileItsMarkersAreBeingWritten() {
        assertThat(HangingTransactionGuard.hanging(
                Map.of(CHANGELOG, List.of(open(3, 82))),
                Map.of(3L, coordinator(3, 83, TransactionState.PREPARE_ABORT, Set.of())))).isEmpty();
    }

    @Test
    void shouldAbortAnOpenOffsetCommitWhoseCoordinatorHasMovedOn() {
        assertThat(HangingTransactionGuard.hanging(
                Map.of(OFFSETS, List.of(open(3, 409))),
                Map.of(3L, coordinator(3, 413, TransactionState.EMPTY, Set.of()))))
                .containsExactly(new AbortTransactionSpec(OFFSETS, 3, (short) 409, 0));
    }

    @Test
    void shouldAbortOnlyWhatWasSeenHangingInEveryCheckForTheWholeWait() {
        Map<AbortTransactionSpec, Long> suspects = new HashMap<>();
        AbortTransactionSpec first = new AbortTransactionSpec(CHANGELOG, 3, (short) 82, 0);
        AbortTransactionSpec second = new AbortTransactionSpec(OFFSETS, 3, (short) 82, 0);

        assertThat(HangingTransactionGuard.confirmed(suspects, List.of(first, second), NOW, CONFIRM_AFTER)).isEmpty();
        assertThat(HangingTransactionGuard.confirmed(suspects, List.of(first), NOW + 2_500, CONFIRM_AFTER)).isEmpty();
        assertThat(HangingTransactionGuard.confirmed(suspects, List.of(first, second), NOW + 5_000, CONFIRM_AFTER))
                .as("second was missing from one check: it may have ended, and is watched again from the start")
                .containsExactly(first);
        assertThat(HangingTransactionGuard.confirmed(suspects, List.of(first, second), NOW + 7_500, CONFIRM_AFTER))
                .containsExactly(first);
        assertThat(HangingTransactionGuard.confirmed(suspects, List.of(second), NOW + 10_000, CONFIRM_AFTER))
                .containsExactly(second);
    }

    @Test
    void shouldLeaveTransactionsOfOtherProducersAlone() {
        assertThat(HangingTransactionGuard.hanging(
                Map.of(CHANGELOG, List.of(open(9, 1))),
                Map.of(3L, coordinator(3, 650, TransactionState.EMPTY, Set.of())))).isEmpty();
    }

    private static ProducerState open(long producerId, int epoch) {
        return new ProducerState(producerId, epoch, 58, NOW - 60_000, OptionalInt.of(0), OptionalLong.of(7033));
    }

    private static TransactionDescription coordinator(long producerId, int epoch, TransactionState state, Set<TopicPartition> partitions) {
        return new TransactionDescription(1, state, producerId, epoch, 10_000, OptionalLong.of(NOW - 1_000), partitions);
    }
}
