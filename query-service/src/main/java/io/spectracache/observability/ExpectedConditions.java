package io.spectracache.observability;

import java.util.Set;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Core;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.appender.rewrite.RewritePolicy;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.config.plugins.PluginFactory;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;

/**
 * Cuts the log events of expected conditions to one line without a stack trace, so that a newcomer's console shows
 * no failure where there is none (issue 11):
 * <ul>
 *   <li>{@code TaskCorruptedException}: after a crash under exactly-once, Kafka Streams wipes a task's state and
 *       restores it from the changelog. Worth one WARN line, not a trace;</li>
 *   <li>{@code OutOfOrderSequenceException}, {@code NotLeaderOrFollowerException} and other retriable errors the
 *       embedded broker logs under load: the client retries them. One INFO line.</li>
 * </ul>
 * Everything else passes unchanged. Used by {@code log4j2.xml} as the policy of the console's rewrite appender.
 */
@Plugin(name = "ExpectedConditions", category = Core.CATEGORY_NAME, elementType = "rewritePolicy", printObject = true)
public final class ExpectedConditions implements RewritePolicy {
    /** Rebuilt state after a crash: worth a line at WARN. */
    private static final Set<String> STATE_REBUILT = Set.of("org.apache.kafka.streams.errors.TaskCorruptedException");
    /** Errors Kafka's clients retry: a line at INFO. */
    private static final Set<String> RETRIED = Set.of(
            "org.apache.kafka.common.errors.OutOfOrderSequenceException",
            "org.apache.kafka.common.errors.NotLeaderOrFollowerException",
            "org.apache.kafka.common.errors.NotEnoughReplicasException");

    private ExpectedConditions() {
    }

    @PluginFactory
    public static ExpectedConditions create() {
        return new ExpectedConditions();
    }

    @Override
    public LogEvent rewrite(LogEvent event) {
        Throwable thrown = event.getThrown();
        if (thrown == null) {
            return event;
        }
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String type = t.getClass().getName();
            boolean rebuilt = STATE_REBUILT.contains(type);
            if (rebuilt || RETRIED.contains(type)) {
                Level level = rebuilt ? Level.WARN : Level.INFO;
                return new Log4jLogEvent.Builder(event)
                        .setLevel(event.getLevel().isMoreSpecificThan(level) ? level : event.getLevel())
                        .setMessage(new SimpleMessage(event.getMessage().getFormattedMessage() + " ("
                                + t.getClass().getSimpleName() + ": " + t.getMessage() + "; expected, handled)"))
                        .setThrown(null)
                        .setThrownProxy(null)
                        .build();
            }
        }
        return event;
    }
}
