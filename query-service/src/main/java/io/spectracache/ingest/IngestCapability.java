package io.spectracache.ingest;

import io.micrometer.core.instrument.docs.MeterDocumentation;
import io.spectracache.capability.Capability;
import io.spectracache.topics.TopicSpec;
import io.spectracache.topics.Topics;
import io.spectracache.topology.CapabilityTopology;
import java.util.List;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Ingest: validates {@code spectra.events.raw}, dead-letters what is wrong, de-duplicates, writes
 * {@code spectra.events} and provides the validated stream every later capability attaches to. It comes first on
 * the list of capabilities.
 */
public final class IngestCapability implements Capability {
    @Override
    public String name() {
        return "ingest";
    }

    @Override
    public ConfigDef defineSettings(ConfigDef def) {
        return IngestSettings.define(def);
    }

    @Override
    public List<TopicSpec<?, ?>> topics() {
        return List.of(Topics.EVENTS_RAW, Topics.EVENTS, Topics.EVENTS_DLQ);
    }

    @Override
    public CapabilityTopology topology(AbstractConfig settings) {
        return new IngestTopology(IngestSettings.from(settings));
    }

    @Override
    public List<MeterDocumentation> meters() {
        return List.of(IngestMeters.values());
    }
}
