package io.everycloud.kit.testapp;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.reactive.messaging.annotations.Blocking;

/**
 * A channel that ends at its first record ({@code failure-strategy=fail}), the way a channel ends
 * when its consumer reports a failure (SRMSG18228): to see what the health checks say about it.
 */
@ApplicationScoped
public class DoomedListener {

    public static final String TOPIC = "kit.doomed.v1";

    @Incoming("doomed")
    @Blocking
    public void onRecord(String message) {
        throw new IllegalStateException("this channel ends here: " + message);
    }
}
