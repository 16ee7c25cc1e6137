package io.spectracache.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.spectracache.errors.RetryLaterException;
import org.junit.jupiter.api.Test;

class LocalStoresClosingTest {
    private static NullPointerException thrownBy(String className) {
        NullPointerException e = new NullPointerException("this.dbAccessor is null");
        e.setStackTrace(new StackTraceElement[] {new StackTraceElement(className, "query", "X.java", 544)});
        return e;
    }

    @Test
    void shouldAnswerRetryWhenAQueryRacesWithItsRocksDbStoreBeingClosed() {
        // Seen in InputBoundsIT under load: a device read during a task migration got a 500 with this NPE.
        RuntimeException answer = LocalStores.closingOr(
                thrownBy("org.apache.kafka.streams.state.internals.RocksDBStore"), "device-state");

        assertThat(answer).isInstanceOf(RetryLaterException.class).hasMessageContaining("device-state")
                .hasMessageContaining("retry");
    }

    @Test
    void shouldKeepANullPointerExceptionOfOurOwnCodeAsTheBugItIs() {
        NullPointerException ours = thrownBy("io.spectracache.state.WriteBehindKeyValueStore");

        assertThat(LocalStores.closingOr(ours, "device-state")).isSameAs(ours);
    }
}
