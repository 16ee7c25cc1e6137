package io.spectracache.rest;

import static java.util.Objects.requireNonNull;

import io.spectracache.routing.Instance;
import io.spectracache.routing.PeerClient;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Which clients the REST API answers. Until the compliance work brings identities, an instance has no credentials to
 * check, so by default it runs in <b>protected mode</b> (as Redis does without a password):
 * <ul>
 *   <li>the public API ({@code /v1/...}, {@code /metrics}, anything else) answers loopback clients only;</li>
 *   <li>{@code /health/live} and {@code /health/ready} answer everyone: probes and load balancers call them from
 *       other hosts, and they carry no data;</li>
 *   <li>the internal query API ({@code /internal/...}) answers loopback clients and the other instances of this
 *       application: a request that names a current member of the Kafka Streams group in
 *       {@link PeerClient#FORWARDED_HEADER} and comes from an address that member's advertised host resolves to.</li>
 * </ul>
 * Everything else is refused with a sentence saying how to open it. {@link #open()} answers everyone.
 *
 * <pre>{@code ClientAccess access = ClientAccess.protectedMode(router::members);}</pre>
 */
public final class ClientAccess {
    /** Open in protected mode too: they carry no data and orchestrators call them from other hosts. */
    static final Set<String> ALWAYS_OPEN = Set.of("/health/live", "/health/ready");
    static final String INTERNAL_PREFIX = "/internal/";
    /** The setting that opens the API, as the refusal names it (declared in the server's configuration). */
    public static final String PROTECTED_MODE_SETTING = "spectracache.rest.protected.mode";
    private static final String OPEN_IT = PROTECTED_MODE_SETTING + "=false";

    /** Resolves a host name to its addresses; {@link InetAddress#getAllByName} outside tests. */
    @FunctionalInterface
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final boolean protectedMode;
    private final Supplier<? extends Collection<Instance>> members;
    private final Resolver resolver;

    private ClientAccess(boolean protectedMode, Supplier<? extends Collection<Instance>> members, Resolver resolver) {
        this.protectedMode = protectedMode;
        this.members = requireNonNull(members, "members");
        this.resolver = requireNonNull(resolver, "resolver");
    }

    /** Answers every client: for deployments that control access themselves (firewall, proxy, private network). */
    public static ClientAccess open() {
        return new ClientAccess(false, Set::of, InetAddress::getAllByName);
    }

    /**
     * Protected mode.
     *
     * @param members the instances of this application now (Kafka Streams' metadata), whose internal calls are answered;
     *                asked once per internal request from another host, never null
     */
    public static ClientAccess protectedMode(Supplier<? extends Collection<Instance>> members) {
        return protectedMode(members, InetAddress::getAllByName);
    }

    static ClientAccess protectedMode(Supplier<? extends Collection<Instance>> members, Resolver resolver) {
        return new ClientAccess(true, members, resolver);
    }

    /** True in protected mode. */
    public boolean isProtected() {
        return protectedMode;
    }

    /**
     * Why a request may not be answered, or empty when it may.
     *
     * @param client      the address the request came from (the TCP peer, never a header)
     * @param path        the request path as sent
     * @param forwardedBy the {@link PeerClient#FORWARDED_HEADER} value, or null
     */
    Optional<String> refusal(InetAddress client, String path, String forwardedBy) {
        if (!protectedMode || client.isLoopbackAddress() || ALWAYS_OPEN.contains(path)) {
            return Optional.empty();
        }
        String from = client.getHostAddress();
        if (path.startsWith(INTERNAL_PREFIX)) {
            if (isMemberAt(forwardedBy, client)) {
                return Optional.empty();
            }
            return Optional.of("protected mode: the internal query API answers only other instances of this application, "
                    + "and this request from " + from + " does not come from the address of a current member named in "
                    + PeerClient.FORWARDED_HEADER + "; if instances reach each other through NAT or a proxy, set "
                    + OPEN_IT + " and restrict access with a firewall");
        }
        return Optional.of("protected mode: no credentials are configured, so this instance answers only clients on its "
                + "own machine (loopback) and " + from + " is not one; to serve other hosts set " + OPEN_IT
                + " (for example --set " + OPEN_IT + ") and restrict who can reach the port with a firewall or proxy");
    }

    private boolean isMemberAt(String forwardedBy, InetAddress client) {
        if (forwardedBy == null) {
            return false;
        }
        for (Instance member : members.get()) {
            if (member.toString().equals(forwardedBy.trim()) && resolvesTo(member.host(), client)) {
                return true;
            }
        }
        return false;
    }

    private boolean resolvesTo(String host, InetAddress client) {
        try {
            for (InetAddress address : resolver.resolve(host)) {
                if (address.equals(client)) {
                    return true;
                }
            }
        } catch (UnknownHostException e) {
            return false;
        }
        return false;
    }

    @Override
    public String toString() {
        return protectedMode ? "protected mode" : "open";
    }
}
