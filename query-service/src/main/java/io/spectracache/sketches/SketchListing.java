package io.spectracache.sketches;

import java.util.List;

/**
 * The answer of {@code GET /v1/sketches}: every definition with its settings, in the words of the configuration, so a
 * dashboard or a user finds what can be asked.
 *
 * @param enabled    whether sketches are kept at all ({@value SketchSettings#ENABLED_CONFIG})
 * @param distinct   the distinct counts ({@code GET /v1/distinct/{name}})
 * @param topk       the top-Ks ({@code GET /v1/topk/{name}})
 * @param membership the membership filters ({@code GET /v1/membership/{filter}/{item}})
 * @param watch      the watch lists ({@code POST /v1/watch/{name}}; matches on {@code topic})
 */
record SketchListing(boolean enabled, List<Distinct> distinct, List<TopK> topk, List<Filter> membership,
                     List<Watch> watch) {
    /** One window size and how long it is kept, as written in the settings ({@code 1h}, {@code 30d}). */
    record Window(String size, String retention) {
    }

    record Distinct(String name, String field, String groupBy, List<Window> windows, String query) {
    }

    record TopK(String name, String field, List<Window> windows, int mapSize, String query) {
    }

    record Filter(String name, String field, double falsePositiveRate, long initialCapacity, String query) {
    }

    record Watch(String name, String field, String topic, String matchesTopic) {
    }

    static SketchListing of(SketchSettings settings, String topicPrefix) {
        boolean on = settings.enabled();
        return new SketchListing(on,
                on ? settings.distinct().stream().map(d -> new Distinct(d.name(), d.field().toString(),
                        d.groupBy().map(SketchField::toString).orElse(null), windows(d.windows()),
                        "/v1/distinct/" + d.name())).toList() : List.of(),
                on ? settings.topK().stream().map(t -> new TopK(t.name(), t.field().toString(), windows(t.windows()),
                        t.maxMapSize(), "/v1/topk/" + t.name())).toList() : List.of(),
                on ? settings.filters().stream().map(f -> new Filter(f.name(), f.field().toString(),
                        f.falsePositiveRate(), f.initialCapacity(), "/v1/membership/" + f.name() + "/{item}")).toList()
                        : List.of(),
                on ? settings.watches().stream().map(w -> new Watch(w.name(), w.field().toString(),
                        w.topic().name(topicPrefix), SketchesTopology.WATCH_MATCHES.name(topicPrefix))).toList()
                        : List.of());
    }

    private static List<Window> windows(List<WindowSpec> windows) {
        return windows.stream().map(w -> new Window(WindowSpec.format(w.size()), WindowSpec.format(w.retention())))
                .toList();
    }
}
