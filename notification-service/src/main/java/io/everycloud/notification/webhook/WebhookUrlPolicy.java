package io.everycloud.notification.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * Which webhook URLs may be called (SSRF guard): absolute http(s) URLs without credentials whose
 * host resolves only to public addresses. Loopback, link-local (cloud metadata), private,
 * carrier-grade NAT, unique-local, multicast and reserved ranges are refused unless
 * {@code notification.webhooks.allow-private=true}. Checked when registering and again before
 * every delivery (the name may resolve differently later). A delivery resolves the host once
 * ({@link #target}) and connects only to an address that lookup gave and this policy passed: a
 * second lookup could answer differently (DNS rebinding).
 */
public final class WebhookUrlPolicy {

    public static final int MAX_URL = 2048;

    /** A refused URL and why. */
    public static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /** The DNS lookup of a host: all its addresses (a seam, so tests can answer as a hostile DNS server would). */
    @FunctionalInterface
    public interface Resolver {
        Resolver SYSTEM = InetAddress::getAllByName;

        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** A URL that passed the policy, its host (without IPv6 brackets) and the addresses one lookup gave for it. */
    public record Target(URI uri, String host, List<InetAddress> addresses) {
    }

    private WebhookUrlPolicy() {
    }

    /** The URL to call, or {@link Refused} with the reason (the host resolved by the system resolver). */
    public static URI check(String url, boolean allowPrivate) throws Refused {
        return check(url, allowPrivate, Resolver.SYSTEM);
    }

    /** The URL to call, or {@link Refused} with the reason. */
    public static URI check(String url, boolean allowPrivate, Resolver dns) throws Refused {
        URI uri = parse(url);
        if (!allowPrivate) {
            requirePublic(resolveOrRefuse(host(uri), dns));
        }
        return uri;
    }

    /**
     * The URL and the addresses to connect to: the host is resolved once and every address checked
     * (unless private ones are allowed). A host that does not resolve is {@link Refused} under the
     * guard; with private addresses allowed it is an {@link UnknownHostException}, as it was for the
     * HTTP client before.
     */
    public static Target target(String url, boolean allowPrivate, Resolver dns) throws Refused, UnknownHostException {
        URI uri = parse(url);
        String host = host(uri);
        InetAddress[] addresses;
        if (allowPrivate) {
            addresses = resolve(host, dns);
        } else {
            addresses = resolveOrRefuse(host, dns);
            requirePublic(addresses);
        }
        return new Target(uri, host, List.of(addresses));
    }

    private static URI parse(String url) throws Refused {
        if (url == null || url.isBlank()) {
            throw new Refused("is required");
        }
        if (url.length() > MAX_URL) {
            throw new Refused("at most " + MAX_URL + " characters");
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new Refused("is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new Refused("must be an http or https URL");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new Refused("must name a host");
        }
        if (uri.getRawUserInfo() != null) {
            throw new Refused("must not carry credentials; the signature authenticates deliveries");
        }
        if (uri.getRawFragment() != null) {
            throw new Refused("must not have a fragment");
        }
        return uri;
    }

    private static String host(URI uri) {
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return host;
    }

    private static InetAddress[] resolve(String host, Resolver dns) throws UnknownHostException {
        InetAddress[] addresses = dns.resolve(host);
        if (addresses == null || addresses.length == 0) {
            throw new UnknownHostException(host);
        }
        return addresses;
    }

    private static InetAddress[] resolveOrRefuse(String host, Resolver dns) throws Refused {
        try {
            return resolve(host, dns);
        } catch (UnknownHostException e) {
            throw new Refused("host " + host + " does not resolve");
        }
    }

    /** Every address must be public: one private answer among public ones is enough to refuse. */
    private static void requirePublic(InetAddress[] addresses) throws Refused {
        for (InetAddress address : addresses) {
            if (!isPublic(address)) {
                throw new Refused("resolves to " + address.getHostAddress()
                        + ", a loopback, link-local or private address; webhooks go to public addresses only");
            }
        }
    }

    /** Whether an address is routable on the public internet. */
    public static boolean isPublic(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int a0 = b[0] & 0xff;
            int a1 = b[1] & 0xff;
            return !(a0 == 0 || a0 == 10 || a0 == 127 || a0 >= 224
                    || (a0 == 100 && a1 >= 64 && a1 <= 127) // carrier-grade NAT
                    || (a0 == 169 && a1 == 254)
                    || (a0 == 172 && a1 >= 16 && a1 <= 31)
                    || (a0 == 192 && a1 == 168)
                    || (a0 == 192 && a1 == 0 && (b[2] & 0xff) == 0) // IETF protocol assignments
                    || (a0 == 198 && (a1 == 18 || a1 == 19))); // benchmarking
        }
        if (address instanceof Inet6Address) {
            int first = b[0] & 0xff;
            if ((first & 0xfe) == 0xfc) { // unique local fc00::/7
                return false;
            }
            if (first == 0) {
                // ::, ::1, IPv4-compatible and IPv4-mapped forms: judge the IPv4 address inside.
                boolean zeros = true;
                for (int i = 0; i < 10; i++) {
                    zeros &= b[i] == 0;
                }
                if (zeros) {
                    try {
                        return isPublic(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
                    } catch (UnknownHostException e) {
                        return false;
                    }
                }
            }
            if (first == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) { // NAT64 64:ff9b::/96
                try {
                    return isPublic(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
                } catch (UnknownHostException e) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }
}
