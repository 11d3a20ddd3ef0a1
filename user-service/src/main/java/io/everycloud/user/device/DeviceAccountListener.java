package io.everycloud.user.device;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.everycloud.events.ClaimEvents;
import io.everycloud.events.Envelope;
import io.everycloud.kit.inbox.Channels;
import io.everycloud.kit.inbox.Inbox;
import io.everycloud.user.account.AccountService;
import io.smallrye.reactive.messaging.annotations.Blocking;

/**
 * Accounts asked for by devices (seed "Input Enabled Devices"): claim-service publishes
 * {@code ownership.account-requested.v1} when a device without owner writes {@code pdaas_user_email};
 * the account is found or created and announced ready. Other ownership events are not ours.
 */
@ApplicationScoped
public class DeviceAccountListener {

    static final String CONSUMER = "user-device-accounts";

    @Inject
    Inbox inbox;

    @Inject
    AccountService accounts;

    @Incoming(Channels.CLAIM_OWNERSHIP)
    @Blocking(ordered = true)
    public void onOwnership(String message) {
        inbox.handle(CONSUMER, message, this::apply);
    }

    void apply(Envelope envelope) {
        if (envelope.is(ClaimEvents.AccountRequested.class)) {
            ClaimEvents.AccountRequested request = envelope.dataAs(ClaimEvents.AccountRequested.class);
            accounts.provideForDevice(request.identity(), request.email());
        }
    }
}
