package io.spectracache.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spectracache.errors.ErrorCode;
import io.spectracache.errors.RetryLaterException;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class DlqReaderTest {
    // Seen in DashboardIT on a loaded machine: "Failed to get offsets by times in 2416ms" answered 500 and logged a
    // stack trace at ERROR for what is a slow broker.
    @Test
    @Timeout(30)
    void shouldAskToRetryLaterNotFailWhenTheBrokerDoesNotAnswerTheOffsetsInTime() throws IOException {
        int nobody;
        try (ServerSocket socket = new ServerSocket(0)) {
            nobody = socket.getLocalPort(); // closed again: nothing listens there
        }
        try (DlqReader reader = new DlqReader("127.0.0.1:" + nobody, Map.of(), "spectra.events.dlq")) {
            assertThatThrownBy(() -> reader.latest(10))
                    .isInstanceOf(RetryLaterException.class)
                    .hasMessageContaining("retry")
                    .satisfies(e -> assertThat(((RetryLaterException) e).code())
                            .isEqualTo(ErrorCode.NOT_READY));
        }
    }
}
