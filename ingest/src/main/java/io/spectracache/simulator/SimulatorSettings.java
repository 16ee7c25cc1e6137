package io.spectracache.simulator;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.ThreadLocalRandom;

/**
 * What the simulated fleet looks like and how fast it talks.
 *
 * <pre>{@code
 * SimulatorSettings settings = SimulatorSettings.defaults().withDevices(5_000).withEventsPerSecond(20_000);
 * }</pre>
 *
 * @param topicPrefix       the deployment's topic prefix; events go to {@code <prefix>events.raw}
 * @param devices           how many devices (trucks, vans, smart meters); at least 1
 * @param eventsPerSecond   the target rate of the whole fleet, shared by all devices; positive
 * @param malformedFraction the share of events that are deliberately bad (broken JSON, no timestamp, impossible
 *                          coordinates, wrong types), in [0, 1]
 * @param duplicateFraction the share of events that are verbatim resends of a recent event, in [0, 1]; the two
 *                          fractions together are at most 1
 * @param seed              seeds the one {@code java.util.Random}: the same seed and the same clock readings give
 *                          byte-identical events
 */
public record SimulatorSettings(
        String topicPrefix, int devices, double eventsPerSecond, double malformedFraction, double duplicateFraction,
        long seed) {

    public SimulatorSettings {
        requireNonNull(topicPrefix, "topicPrefix");
        if (devices < 1) {
            throw new IllegalArgumentException("devices must be at least 1, was " + devices);
        }
        if (!(eventsPerSecond > 0) || Double.isInfinite(eventsPerSecond)) {
            throw new IllegalArgumentException("eventsPerSecond must be positive and finite, was " + eventsPerSecond);
        }
        if (!(malformedFraction >= 0 && malformedFraction <= 1) || !(duplicateFraction >= 0 && duplicateFraction <= 1)
                || malformedFraction + duplicateFraction > 1) {
            throw new IllegalArgumentException("fractions must be within [0, 1] and add up to at most 1, were "
                    + malformedFraction + " and " + duplicateFraction);
        }
    }

    /**
     * 1,000 devices, 1,000 events/s, 1% malformed, 1% duplicates, prefix {@code spectra.}, and a fresh random
     * seed: two runs never share event ids (a fixed seed would make a restarted simulator resend ids that
     * de-duplication then drops). Use {@link #withSeed(long)} for a reproducible stream.
     */
    public static SimulatorSettings defaults() {
        return new SimulatorSettings("spectra.", 1_000, 1_000, 0.01, 0.01, ThreadLocalRandom.current().nextLong());
    }

    public SimulatorSettings withTopicPrefix(String newTopicPrefix) {
        return new SimulatorSettings(newTopicPrefix, devices, eventsPerSecond, malformedFraction, duplicateFraction, seed);
    }

    public SimulatorSettings withDevices(int newDevices) {
        return new SimulatorSettings(topicPrefix, newDevices, eventsPerSecond, malformedFraction, duplicateFraction, seed);
    }

    public SimulatorSettings withEventsPerSecond(double newRate) {
        return new SimulatorSettings(topicPrefix, devices, newRate, malformedFraction, duplicateFraction, seed);
    }

    public SimulatorSettings withMalformedFraction(double fraction) {
        return new SimulatorSettings(topicPrefix, devices, eventsPerSecond, fraction, duplicateFraction, seed);
    }

    public SimulatorSettings withDuplicateFraction(double fraction) {
        return new SimulatorSettings(topicPrefix, devices, eventsPerSecond, malformedFraction, fraction, seed);
    }

    public SimulatorSettings withSeed(long newSeed) {
        return new SimulatorSettings(topicPrefix, devices, eventsPerSecond, malformedFraction, duplicateFraction, newSeed);
    }
}
