package io.everycloud.notification.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The DNS lookups of webhook hosts (registration and each delivery): the system resolver. A bean
 * so that tests can answer as a hostile DNS server would.
 */
@ApplicationScoped
class WebhookDns implements WebhookUrlPolicy.Resolver {

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        return InetAddress.getAllByName(host);
    }
}
