package io.spectracache.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * A closed-loop latency harness: {@code clients} threads, each with its own connection, send one request, wait for
 * the answer, and send the next at once, for a warm-up and then a measured phase. Latencies of the measured phase
 * go to one HdrHistogram per thread (microseconds, 3 significant digits), merged at the end.
 *
 * <p>Closed loop means a slow answer delays the next request instead of queueing behind it, so the histogram is
 * the service time seen by each client and does <em>not</em> correct for coordinated omission; that correction
 * only makes sense for an open-loop (fixed arrival rate) test.
 */
final class ClosedLoop {
    private static final long HIGHEST_TRACKABLE_MICROS = TimeUnit.MINUTES.toMicros(5);

    /** One client's connection: sends one request for the given key index and reads the whole answer. */
    interface Client extends AutoCloseable {
        /** @return true if the answer was the expected success (e.g. HTTP 200), false for any other answer */
        boolean call(int keyIndex) throws IOException;

        @Override
        void close() throws IOException;
    }

    /** Opens a fresh client (connection) for one thread. */
    interface ClientFactory {
        Client open() throws IOException;
    }

    private ClosedLoop() {
    }

    /**
     * Runs {@code clients} threads against keys {@code 0 .. keys-1}, chosen uniformly at random.
     *
     * @param name shown in the result, e.g. "SpectraCache GET /v1/devices/{id}"
     */
    static LatencyResult run(String name, ClientFactory factory, int clients, int keys, Duration warmup, Duration measure,
                             long seed) throws InterruptedException {
        List<Worker> workers = new ArrayList<>(clients);
        CountDownLatch ready = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        SplittableRandom seeds = new SplittableRandom(seed);
        for (int c = 0; c < clients; c++) {
            Worker worker = new Worker(factory, keys, seeds.split(), ready, go);
            worker.thread = new Thread(worker, "bench-client-" + c);
            worker.thread.setDaemon(true);
            workers.add(worker);
            worker.thread.start();
        }
        ready.await();
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long measureTo = measureFrom + measure.toNanos();
        for (Worker worker : workers) {
            worker.measureFrom = measureFrom;
            worker.measureTo = measureTo;
        }
        go.countDown();
        Histogram merged = new Histogram(HIGHEST_TRACKABLE_MICROS, 3);
        long ok = 0;
        long failed = 0;
        long clientCpuNanos = 0;
        long calls = 0;
        Throwable firstError = null;
        for (Worker worker : workers) {
            worker.thread.join();
            merged.add(worker.histogram);
            ok += worker.ok;
            clientCpuNanos += worker.cpuNanos;
            calls += worker.calls;
            failed += worker.failed;
            if (firstError == null && worker.error != null) {
                firstError = worker.error;
            }
        }
        return new LatencyResult(name, clients, merged, ok, failed, measure.toNanos() / 1e9,
                firstError == null ? null : firstError.toString(), clientCpuNanos / 1e9, calls);
    }

    private static final class Worker implements Runnable {
        private final ClientFactory factory;
        private final int keys;
        private final SplittableRandom random;
        private final CountDownLatch ready;
        private final CountDownLatch go;
        private final Histogram histogram = new Histogram(HIGHEST_TRACKABLE_MICROS, 3);
        private Thread thread;
        private volatile long measureFrom;
        private volatile long measureTo;
        private long ok;
        private long failed;
        private Throwable error;
        private long cpuNanos;
        private long calls;

        Worker(ClientFactory factory, int keys, SplittableRandom random, CountDownLatch ready, CountDownLatch go) {
            this.factory = factory;
            this.keys = keys;
            this.random = random;
            this.ready = ready;
            this.go = go;
        }

        @Override
        public void run() {
            Client client = null;
            try {
                client = factory.open();
            } catch (IOException | RuntimeException e) {
                error = e;
            } finally {
                ready.countDown();
            }
            try {
                go.await();
                if (client != null) {
                    loop(client);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException | RuntimeException e) {
                error = e;
            } finally {
                if (client != null) {
                    try {
                        client.close();
                    } catch (IOException e) {
                        // the measurement is over; a failing close cannot change it
                    }
                }
                cpuNanos = Math.max(0, ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
            }
        }

        private void loop(Client client) throws IOException {
            long from = measureFrom;
            long to = measureTo;
            while (true) {
                int key = random.nextInt(keys);
                long begin = System.nanoTime();
                if (begin >= to) {
                    return;
                }
                boolean success = client.call(key);
                long end = System.nanoTime();
                calls++;
                if (begin >= from) {
                    if (success) {
                        ok++;
                        histogram.recordValue(Math.min((end - begin) / 1_000, HIGHEST_TRACKABLE_MICROS));
                    } else {
                        failed++;
                    }
                }
            }
        }
    }
}
