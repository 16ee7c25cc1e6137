package io.spectracache.flight;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.type.TypeReference;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.spectracache.errors.InvalidRequestException;
import io.spectracache.errors.SpectraException;
import io.spectracache.query.QueryService;
import io.spectracache.routing.ReadOptions;
import io.spectracache.serialization.Json;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Arrow Flight API: the same data as REST, as Arrow record batches, for bulk reads (a notebook pulling every
 * device state, a job copying the cache).
 *
 * <p>A ticket (and a command descriptor) is JSON: {@code {"dataset":"device-states","prefix":"truck-"}}.
 * {@code ListFlights} lists every dataset with its schema and a ready descriptor; {@code GetFlightInfo} answers an
 * endpoint at this instance, which gathers the answer from every instance page by page (bounded memory: one page
 * of {@value #ROWS_PER_BATCH} rows at a time, one record batch per page). A read that would miss an instance's part
 * fails with {@code UNAVAILABLE} rather than return fewer rows. Errors a client can cause answer
 * {@code INVALID_ARGUMENT} with the same sentence REST would.
 */
final class FlightApi extends NoOpFlightProducer {
    private static final Logger LOG = LoggerFactory.getLogger(FlightApi.class);
    static final int ROWS_PER_BATCH = 10_000;
    private static final int MAX_TICKET_BYTES = 8 * 1024;

    private final BufferAllocator allocator;
    private final QueryService queries;
    private final Map<String, FlightDataset> datasets;
    private final MeterRegistry meters;
    private volatile Location location;

    FlightApi(BufferAllocator allocator, QueryService queries, List<FlightDataset> datasets, MeterRegistry meters) {
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
                listener.onNext(info(dataset, descriptor(dataset.name())));
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
            return info(request.dataset(), descriptor);
        } catch (RuntimeException e) {
            throw status(e);
        }
    }

    @Override
    public SchemaResult getSchema(CallContext context, FlightDescriptor descriptor) {
        try {
            return new SchemaResult(parse(command(descriptor)).dataset().schema());
        } catch (RuntimeException e) {
            throw status(e);
        }
    }

    @Override
    public void getStream(CallContext context, Ticket ticket, ServerStreamListener listener) {
        Request request;
        FlightDataset.Reader reader;
        try {
            request = parse(ticket.getBytes());
            reader = request.dataset().open(request.parameters(), queries, ReadOptions.LATEST);
        } catch (RuntimeException e) {
            streams("unknown", "failed").increment();
            listener.error(status(e));
            return;
        }
        String name = request.dataset().name();
        Counter rows = rows(name);
        try (VectorSchemaRoot root = VectorSchemaRoot.create(request.dataset().schema(), allocator)) {
            listener.start(root);
            while (!listener.isCancelled() && reader.next(root, ROWS_PER_BATCH)) {
                listener.putNext();
                rows.increment(root.getRowCount());
            }
            if (listener.isCancelled()) {
                streams(name, "cancelled").increment();
                return;
            }
            listener.completed();
            streams(name, "completed").increment();
        } catch (RuntimeException e) {
            streams(name, "failed").increment();
            listener.error(status(e));
        }
    }

    private FlightInfo info(FlightDataset dataset, FlightDescriptor descriptor) {
        Location here = location;
        List<FlightEndpoint> endpoints = List.of(here == null
                ? new FlightEndpoint(new Ticket(descriptor.getCommand()))
                : new FlightEndpoint(new Ticket(descriptor.getCommand()), here));
        return new FlightInfo(dataset.schema(), descriptor, endpoints, -1, -1);
    }

    private static FlightDescriptor descriptor(String dataset) {
        return FlightDescriptor.command(("{\"dataset\":\"" + dataset + "\"}").getBytes(UTF_8));
    }

    private static byte[] command(FlightDescriptor descriptor) {
        if (!descriptor.isCommand()) {
            throw new InvalidRequestException("descriptor: use a command descriptor holding a ticket's JSON, such as "
                    + "{\"dataset\":\"device-states\"}; path descriptors are not served");
        }
        return descriptor.getCommand();
    }

    private record Request(FlightDataset dataset, Map<String, String> parameters) {
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
        for (Map.Entry<String, Object> field : fields.entrySet()) {
            if (field.getKey().equals("dataset")) {
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
        return new Request(dataset, parameters);
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
