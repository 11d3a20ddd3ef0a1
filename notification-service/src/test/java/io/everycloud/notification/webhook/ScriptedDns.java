package io.everycloud.notification.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A DNS server under the test's control, as a hostile one would be: a scripted host gets its
 * answers in turn (the last one again for every later lookup); other hosts resolve as usual.
 * Installed with {@code QuarkusMock.installMockForType(dns, WebhookDns.class)}.
 */
class ScriptedDns extends WebhookDns {

    private final Map<String, List<String>> scripts = new ConcurrentHashMap<>();
    private final Map<String, List<String>> given = new ConcurrentHashMap<>();

    /** Each answer is the host's addresses, comma-separated: {@code "93.184.216.34,10.0.0.8"}. */
    synchronized ScriptedDns answer(String host, String... answersInTurn) {
        scripts.put(host, List.of(answersInTurn));
        given.put(host, new ArrayList<>());
        return this;
    }

    /** The answers given for the host so far, one per lookup. */
    synchronized List<String> lookups(String host) {
        return List.copyOf(given.getOrDefault(host, List.of()));
    }

    @Override
    public synchronized InetAddress[] resolve(String host) throws UnknownHostException {
        List<String> script = scripts.get(host);
        if (script == null) {
            return super.resolve(host);
        }
        List<String> answered = given.get(host);
        String answer = script.get(Math.min(answered.size(), script.size() - 1));
        answered.add(answer);
        String[] ips = answer.split(",");
        InetAddress[] addresses = new InetAddress[ips.length];
        for (int i = 0; i < ips.length; i++) {
            // literal addresses: no lookup here, and the host name the answer is for
            addresses[i] = InetAddress.getByAddress(host, InetAddress.getByName(ips[i]).getAddress());
        }
        return addresses;
    }
}
