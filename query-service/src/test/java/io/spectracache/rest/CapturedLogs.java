package io.spectracache.rest;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/** Every log event at WARN or above while open, from any logger (ours, Javalin's, Jetty's). */
final class CapturedLogs extends AbstractAppender implements AutoCloseable {
    private final List<LogEvent> events = new CopyOnWriteArrayList<>();

    private CapturedLogs() {
        super("captured-" + System.nanoTime(), null, null, true, Property.EMPTY_ARRAY);
    }

    static CapturedLogs capture() {
        CapturedLogs logs = new CapturedLogs();
        logs.attach();
        return logs;
    }

    private void attach() {
        start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().addAppender(this, Level.WARN, null);
        context.getConfiguration().getLoggers().values().forEach(logger -> logger.addAppender(this, Level.WARN, null));
        context.updateLoggers();
    }

    @Override
    public void append(LogEvent event) {
        events.add(event.toImmutable());
    }

    /** Events at ERROR, or with a stack trace at any level captured. */
    List<String> errorsOrStackTraces() {
        return events.stream()
                .filter(event -> event.getLevel().isMoreSpecificThan(Level.ERROR) || event.getThrown() != null)
                .map(event -> event.getLevel() + " " + event.getLoggerName() + ": " + event.getMessage().getFormattedMessage())
                .toList();
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().removeAppender(getName());
        context.getConfiguration().getLoggers().values().forEach(logger -> logger.removeAppender(getName()));
        context.updateLoggers();
        stop();
    }
}
