package io.spectracache.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The {@link ClosedLoop.ClientFactory}s the benchmark compares: raw-socket HTTP, the JDK's HttpClient, RESP. */
final class Clients {
    private Clients() {
    }

    /** GET {@code pathPrefix + key} over {@link HttpConnection}, one keep-alive connection per client. */
    static ClosedLoop.ClientFactory socketHttp(String host, int port, String pathPrefix, String[] keys) {
        byte[][] requests = new byte[keys.length][];
        for (int i = 0; i < keys.length; i++) {
            requests[i] = HttpConnection.get(host, port, pathPrefix + keys[i]);
        }
        return () -> {
            HttpConnection http = HttpConnection.open(host, port);
            return new ClosedLoop.Client() {
                @Override
                public boolean call(int keyIndex) throws IOException {
                    return http.exchange(requests[keyIndex]) == 200;
                }

                @Override
                public void close() {
                    http.close();
                }
            };
        };
    }

    /**
     * GET {@code pathPrefix + key} with {@code java.net.http.HttpClient} (HTTP/1.1, one client shared by all
     * threads as an application would, its pool keeping a connection per concurrent request).
     */
    static ClosedLoop.ClientFactory jdkHttp(String host, int port, String pathPrefix, String[] keys) {
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        HttpRequest[] requests = new HttpRequest[keys.length];
        for (int i = 0; i < keys.length; i++) {
            requests[i] = HttpRequest.newBuilder(URI.create("http://" + host + ':' + port + pathPrefix + keys[i]))
                    .timeout(Duration.ofSeconds(30)).GET().build();
        }
        return () -> new ClosedLoop.Client() {
            @Override
            public boolean call(int keyIndex) throws IOException {
                try {
                    return client.send(requests[keyIndex], HttpResponse.BodyHandlers.ofByteArray()).statusCode() == 200;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }

            @Override
            public void close() {
                // the shared client lives as long as its factory
            }
        };
    }

    /** Redis GET of {@code keys} over {@link RespConnection}, one connection per client. */
    static ClosedLoop.ClientFactory redisGet(String host, int port, String[] keys) {
        byte[][] commands = new byte[keys.length][];
        for (int i = 0; i < keys.length; i++) {
            commands[i] = RespConnection.command("GET", keys[i]);
        }
        return () -> {
            RespConnection redis = RespConnection.open(host, port);
            return new ClosedLoop.Client() {
                @Override
                public boolean call(int keyIndex) throws IOException {
                    return redis.call(commands[keyIndex]) == '$' && redis.bulkLength() >= 0;
                }

                @Override
                public void close() throws IOException {
                    redis.close();
                }
            };
        };
    }
}
