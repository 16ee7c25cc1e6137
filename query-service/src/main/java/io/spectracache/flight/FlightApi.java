package io.spectracache.flight;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.type.TypeReference;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.spectracache.errors.InvalidRequestException;
import io.spectracache.errors.SpectraException;
import io.spectracache.query.QueryService;
import io.spectracache.query.ScatterQuery;
import io.spectracache.routing.Instance;
import io.spectracache.routing.ReadOptions;
import io.spectracache.serialization.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.NoOpFlightProducer;
import org.apache.arrow.flight.SchemaResult;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Arrow Flight API: the same data as REST, as Arrow record batches, for bulk reads (a notebook pulling every
 * device state, a job copying the cache).
 *
 * <p>A ticket (and a command descriptor) is JSON: {@code {"dataset":"device-states","prefix":"truck-"}}.
 * {@code ListFlights} lists every dataset with its schema and a ready descriptor; {@code GetFlightInfo} answers one
 * endpoint per partition at the instance that owns it (or, while ownership moves, one endpoint at this instance,
 * which gathers the answer from every instance page by page); bounded memory: one page
 * of {@value #ROWS_PER_BATCH} rows at a time ({@link FlightDataset#rowsPerBatch()}: 65,536 for {@code series}), one
 * record batch per page, sent once the client has room for it ({@link BatchSender}: a slow client slows its stream
 * down instead of filling the server's memory). A read that would miss an instance's part
 * fails with {@code UNAVAILABLE} rather than return fewer rows. Errors a client can cause answer
 * {@code INVALID_ARGUMENT} with the same sentence REST would.
 */
final class FlightApi extends NoOpFlightProducer {
    private static final Logger LOG = LoggerFactory.getLogger(FlightApi.class);
    static final int ROWS_PER_BATCH = 10_000;
    /** How long a client may read nothing before its stream is ended ({@link BatchSender}). */
    static final Duration STALLED_AFTER = Duration.ofMinutes(5);
    /** The ticket field naming the partitions of an owner's part; set by GetFlightInfo, not by clients. */
    static final String PARTITIONS = "partitions";
    private static final int MAX_TICKET_BYTES = 8 * 1024;

    private final BufferAllocator allocator;
    private final QueryService queries;
    private final Map<String, FlightDataset> datasets;
    private final MeterRegistry meters;
    private final ToIntFunction<Instance> flightPortOf;
    private final Map<Instance, Location> peerLocations = new ConcurrentHashMap<>();
    private volatile Location location;

    /** @param flightPortOf asks another instance for its Flight port (-1: none); may throw RetryLaterException */
    FlightApi(BufferAllocator allocator, QueryService queries, List<FlightDataset> datasets, MeterRegistry meters,
              ToIntFunction<Instance> flightPortOf) {
        this.flightPortOf = requireNonNull(flightPortOf, "flightPortOf");
        this.allocator = requireNonNull(allocator, "allocator");
        this.queries = requireNonNull(queries, "queries");
        this.meters = requireNonNull(meters, "meters");
        this.datasets = datasets.stream().collect(Collectors.toMap(FlightDataset::name, Function.identity(),
                (a, b) -> a, LinkedHashMap::new));
        for (String dataset : this.datasets.keySet()) {
            rows(dataset);
            for (String outcome : List.of("completed", "failed", "cancelled")) {
                streams(dataset, outcome);
            }
        }
    }

    private Counter rows(String dataset) {
        return Counter.builder(FlightMeters.ROWS.getName()).description(FlightMeters.ROWS.description())
                .tag(FlightMeters.DATASET_TAG, dataset).register(meters);
    }

    private Counter streams(String dataset, String outcome) {
        return Counter.builder(FlightMeters.STREAMS.getName()).description(FlightMeters.STREAMS.description())
                .tag(FlightMeters.DATASET_TAG, dataset).tag(FlightMeters.OUTCOME_TAG, outcome).register(meters);
    }

    /** Where clients reach this endpoint; set once the server listens. */
    void location(Location location) {
        this.location = location;
    }

    @Override
    public void listFlights(CallContext context, Criteria criteria, StreamListener<FlightInfo> listener) {
        try {
            for (FlightDataset dataset : datasets.values()) {
                List<Map<String, String>> listed;
                try {
                    listed = dataset.listed(gathering());
                } catch (RuntimeException e) {
                    LOG.debug("could not list the flights of {}; listing the dataset alone", dataset.name(), e);
                    listed = List.of(Map.of());
                }
                for (Map<String, String> parameters : listed) {
                    listener.onNext(info(dataset, parameters));
                }
            }
            listener.onCompleted();
        } catch (RuntimeException e) {
            listener.onError(status(e));
        }
    }

    @Override
    public FlightInfo getFlightInfo(CallContext context, FlightDescriptor descriptor) {
        try {
            Request request = parse(command(descriptor));
            return new FlightInfo(request.dataset().schema(request.parameters()), descriptor,
                    endpoints(request, descriptor.getCommand()), -1, -1);
        } catch (RuntimeException e) {
            throw status(e);
        }
    }

    @Override
    public SchemaResult getSchema(CallContext context, FlightDescriptor descriptor) {
        try {
            Request request = parse(command(descriptor));
            return new SchemaResult(request.dataset().schema(request.parameters()));
        } catch (RuntimeException e) {
            throw status(e);
        }
    }

    @Override
    public void getStream(CallContext context, Ticket ticket, ServerStreamListener listener) {
        Request request;
        Schema schema;
        FlightDataset.Reader reader;
        try {
            request = parse(ticket.getBytes());
            schema = request.dataset().schema(request.parameters());
            reader = request.dataset().open(request.parameters(), pages(request));
        } catch (RuntimeException e) {
            streams("unknown", "failed").increment();
            listener.error(status(e));
            return;
        }
        String name = request.dataset().name();
        Counter rows = rows(name);
        try (FlightDataset.Reader open = reader; VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
            // Batches are allocated at their full size once, so writers never grow them row by row.
            int rowsPerBatch = request.dataset().rowsPerBatch();
            root.getFieldVectors().forEach(vector -> vector.setInitialCapacity(rowsPerBatch));
            // Every reader allocates a batch's buffers anew (allocateNew) and never writes to them once sent, so gRPC
            // may send them as they are instead of copying each batch into its own buffers first.
            listener.setUseZeroCopy(true);
            DictionaryProvider dictionaries = open.dictionaries(allocator);
            if (dictionaries == null) {
                listener.start(root);
            } else {
                listener.start(root, dictionaries);
            }
            BatchSender.Outcome outcome = BatchSender.send(listener, open, root, rowsPerBatch, STALLED_AFTER,
                    rows::increment);
            streams(name, switch (outcome) {
                case COMPLETED -> "completed";
                case CANCELLED -> "cancelled";
                case STALLED -> "failed";
            }).increment();
        } catch (RuntimeException e) {
            streams(name, "failed").increment();
            listener.error(status(e));
        }
    }

    private FlightDataset.Pages gathering() {
        return new FlightDataset.Pages() {
            @Override
            public <P, R> R page(ScatterQuery<P, R> query, P params) {
                return FlightBatches.complete(queries.scatter(query, params, ReadOptions.LATEST)).value();
            }
        };
    }

    private FlightDataset.Pages pages(Request request) {
        if (request.partitions() == null) {
            return gathering();
        }
        return new FlightDataset.Pages() {
            @Override
            public <P, R> R page(ScatterQuery<P, R> query, P params) {
                return queries.localPart(query, params, ReadOptions.LATEST, request.partitions());
            }

            @Override
            public boolean local() {
                return true;
            }
        };
    }

    /**
     * One endpoint per partition, at the instance that owns it, each with a ticket naming that partition, so a client
     * pulls the parts in parallel; when owners cannot all be named (a rebalance, an instance without
     * Flight), one endpoint here that gathers the whole.
     */
    private List<FlightEndpoint> endpoints(Request request, byte[] command) {
        Location here = location;
        List<FlightEndpoint> gather = List.of(here == null
                ? new FlightEndpoint(new Ticket(command)) : new FlightEndpoint(new Ticket(command), here));
        if (request.partitions() != null || here == null || request.dataset().gatheredOnly()) {
            return gather;
        }
        ScatterQuery<?, ?> scan = request.dataset().scan();
        Map<Instance, Set<Integer>> parts;
        try {
            parts = queries.partsOf(scan);
        } catch (RuntimeException e) {
            return gather;
        }
        Set<Integer> covered = new TreeSet<>();
        parts.values().forEach(covered::addAll);
        int total = parts.values().stream().mapToInt(Set::size).sum();
        if (covered.size() != queries.partitionCount(scan) || total != covered.size()) {
            return gather;
        }
        List<FlightEndpoint> endpoints = new ArrayList<>();
        for (Map.Entry<Instance, Set<Integer>> part : parts.entrySet()) {
            Location where = part.getKey().equals(queries.self()) ? here : peerLocation(part.getKey());
            if (where == null) {
                return gather;
            }
            // One endpoint per partition: a client pulls them all in parallel, so even one instance's part is read
            // by several threads at once (each partition's store is read by its own stream).
            for (int partition : part.getValue()) {
                Map<String, String> ticket = new TreeMap<>(request.parameters());
                ticket.put("dataset", request.dataset().name());
                ticket.put(PARTITIONS, String.valueOf(partition));
                try {
                    endpoints.add(new FlightEndpoint(new Ticket(Json.mapper().writeValueAsBytes(ticket)), where));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return endpoints;
    }

    private Location peerLocation(Instance peer) {
        Location known = peerLocations.get(peer);
        if (known != null) {
            return known;
        }
        try {
            int port = flightPortOf.applyAsInt(peer);
            if (port < 0) {
                return null;
            }
            Location location = Location.forGrpcInsecure(peer.host(), port);
            peerLocations.put(peer, location);
            return location;
        } catch (RuntimeException e) {
            LOG.debug("instance {} did not say its Flight port; serving the whole from here", peer, e);
            return null;
        }
    }

    private FlightInfo info(FlightDataset dataset, Map<String, String> parameters) {
        Map<String, String> command = new TreeMap<>(parameters);
        command.put("dataset", dataset.name());
        FlightDescriptor descriptor;
        try {
            descriptor = FlightDescriptor.command(Json.mapper().writeValueAsBytes(command));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Location here = location;
        List<FlightEndpoint> endpoints = List.of(here == null
                ? new FlightEndpoint(new Ticket(descriptor.getCommand()))
                : new FlightEndpoint(new Ticket(descriptor.getCommand()), here));
        return new FlightInfo(dataset.schema(parameters), descriptor, endpoints, -1, -1);
    }

    private static byte[] command(FlightDescriptor descriptor) {
        if (!descriptor.isCommand()) {
            throw new InvalidRequestException("descriptor: use a command descriptor holding a ticket's JSON, such as "
                    + "{\"dataset\":\"device-states\"}; path descriptors are not served");
        }
        return descriptor.getCommand();
    }

    /** @param partitions null: the whole, gathered; otherwise this instance's part on exactly these */
    private record Request(FlightDataset dataset, Map<String, String> parameters, Set<Integer> partitions) {
    }

    private Request parse(byte[] ticket) {
        String known = String.join(", ", datasets.keySet());
        if (ticket.length > MAX_TICKET_BYTES) {
            throw new InvalidRequestException("ticket: at most " + MAX_TICKET_BYTES + " bytes of JSON");
        }
        Map<String, Object> fields;
        try {
            fields = Json.mapper().readValue(ticket, new TypeReference<Map<String, Object>>() {
            });
        } catch (IOException e) {
            throw new InvalidRequestException("ticket: not a JSON object; use {\"dataset\":\"<one of " + known
                    + ">\", ...parameters}");
        }
        if (fields == null || !(fields.get("dataset") instanceof String name)) {
            throw new InvalidRequestException("ticket: \"dataset\" is required, one of " + known);
        }
        FlightDataset dataset = datasets.get(name);
        if (dataset == null) {
            throw new InvalidRequestException("ticket: unknown dataset \"" + name + "\"; one of " + known);
        }
        Map<String, String> parameters = new TreeMap<>();
        Set<Integer> partitions = null;
        for (Map.Entry<String, Object> field : fields.entrySet()) {
            if (field.getKey().equals("dataset")) {
                continue;
            }
            if (field.getKey().equals(PARTITIONS)) {
                partitions = partitions(field.getValue());
                continue;
            }
            if (!dataset.parameters().containsKey(field.getKey())) {
                throw new InvalidRequestException("ticket: unknown parameter \"" + field.getKey() + "\" for "
                        + name + "; it takes " + (dataset.parameters().isEmpty() ? "none" : dataset.parameters()));
            }
            if (!(field.getValue() instanceof String value)) {
                throw new InvalidRequestException("ticket: \"" + field.getKey() + "\" must be a string");
            }
            parameters.put(field.getKey(), value);
        }
        return new Request(dataset, parameters, partitions);
    }

    private static Set<Integer> partitions(Object value) {
        String problem = "ticket: \"" + PARTITIONS + "\" is what GetFlightInfo put there (partition numbers joined by "
                + "commas); leave it out to read the whole";
        if (!(value instanceof String text) || text.isBlank() || text.length() > 10_000) {
            throw new InvalidRequestException(problem);
        }
        Set<Integer> partitions = new TreeSet<>();
        for (String part : text.split(",")) {
            try {
                int partition = Integer.parseInt(part.trim());
                if (partition < 0) {
                    throw new InvalidRequestException(problem);
                }
                partitions.add(partition);
            } catch (NumberFormatException e) {
                throw new InvalidRequestException(problem);
            }
        }
        return partitions;
    }

    /** Our error model, in Flight's status codes. */
    static FlightRuntimeException status(RuntimeException e) {
        if (e instanceof FlightRuntimeException flight) {
            return flight;
        }
        if (e instanceof SpectraException spectra) {
            CallStatus status = switch (spectra.code()) {
                case BAD_REQUEST, PAYLOAD_TOO_LARGE -> CallStatus.INVALID_ARGUMENT;
                case NOT_FOUND -> CallStatus.NOT_FOUND;
                case FORBIDDEN -> CallStatus.UNAUTHORIZED;
                case NOT_READY, OWNER_UNAVAILABLE -> CallStatus.UNAVAILABLE;
                default -> CallStatus.INTERNAL;
            };
            return status.withDescription(e.getMessage()).toRuntimeException();
        }
        LOG.warn("a Flight call failed", e);
        return CallStatus.INTERNAL.withDescription("the read failed on the server; see its log").withCause(e)
                .toRuntimeException();
    }
}
