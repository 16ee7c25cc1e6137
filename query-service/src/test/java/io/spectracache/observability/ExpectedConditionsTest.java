package io.spectracache.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.spectracache.serialization.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.TaskCorruptedException;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.Test;

class ExpectedConditionsTest {
    private static LogEvent event(Level level, String message, Throwable thrown) {
        return Log4jLogEvent.newBuilder().setLoggerName("org.apache.kafka.streams.processor.internals.StreamThread")
                .setLevel(level).setMessage(new SimpleMessage(message)).setThrown(thrown).build();
    }

    @Test
    void shouldPrintTaskCorruptedAfterACrashRestartAsOneWarnLineWithoutStackTrace() {
        LogEvent rewritten = ExpectedConditions.create().rewrite(event(Level.ERROR, "Detected the states of tasks are corrupted",
                new StreamsException(new TaskCorruptedException(java.util.Set.of()))));

        assertThat(rewritten.getLevel()).isEqualTo(Level.WARN);
        assertThat(rewritten.getThrown()).isNull();
        assertThat(rewritten.getMessage().getFormattedMessage()).contains("TaskCorruptedException").contains("expected");
    }

    @Test
    void shouldPrintTheEmbeddedBrokersRetriableOutOfOrderSequenceAsOneInfoLine() {
        LogEvent rewritten = ExpectedConditions.create().rewrite(event(Level.ERROR, "append failed",
                new OutOfOrderSequenceException("out of order sequence number 7")));

        assertThat(rewritten.getLevel()).isEqualTo(Level.INFO);
        assertThat(rewritten.getThrown()).isNull();
    }

    @Test
    void shouldKeepTheStackTraceOfAnUnexpectedFailure() {
        IllegalStateException bug = new IllegalStateException("a bug");
        LogEvent original = event(Level.ERROR, "stream thread failed", bug);

        assertThat(ExpectedConditions.create().rewrite(original)).isSameAs(original);
    }

    @Test
    void shouldWriteOneJsonObjectPerLineWhenTheJsonFormatIsChosen() throws Exception {
        Path config = Path.of(ExpectedConditions.class.getResource("/log4j2.xml").toURI());
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        System.setProperty("spectracache.log.format", "json");
        LoggerContext context = null;
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            context = Configurator.initialize("json-format-test", null, config.toUri());
            Logger logger = context.getLogger("io.spectracache.test");
            logger.info("first line\nwith a newline");
            logger.warn("restored", new TaskCorruptedException(java.util.Set.of()));
            logger.error("a real failure", new IllegalStateException("bug"));
        } finally {
            if (context != null) {
                Configurator.shutdown(context);
            }
            System.setErr(stderr);
            System.clearProperty("spectracache.log.format");
        }
        String[] lines = captured.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertThat(lines).hasSize(3);
        for (String line : lines) {
            assertThat(Json.mapper().readTree(line).isObject()).as(line).isTrue();
        }
        assertThat(lines[0]).contains("\"log.level\":\"INFO\"").contains("first line\\nwith a newline");
        assertThat(lines[1]).contains("TaskCorruptedException").doesNotContain("error.stack_trace");
        assertThat(lines[2]).contains("error.stack_trace");
    }
}
