package io.everycloud.claim.deviceapi;

import java.time.Instant;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.everycloud.claim.code.ClaimCode;
import io.everycloud.claim.device.DeviceRepository;
import io.everycloud.claim.ownership.OwnershipService;
import io.everycloud.events.ClaimEvents;
import io.everycloud.events.Envelope;
import io.everycloud.events.RegistryEvents;
import io.everycloud.kit.inbox.Channels;
import io.everycloud.kit.inbox.Inbox;
import io.everycloud.kit.outbox.Outbox;
import io.smallrye.reactive.messaging.annotations.Blocking;

/**
 * Device-API claiming (seed "Device API Claiming"): the reserved resources a device writes.
 * {@code pdaas_user_email} asks user-service for the account when the device has no owner,
 * {@code pdaas_claim_code} replaces the claim code, {@code pdaas_reset=true} is a hard reset.
 * Values a device gets wrong are logged and ignored: firmware cannot be answered here.
 */
@ApplicationScoped
public class DeviceApiListener {

    static final String CONSUMER = "claim-device-api";
    public static final String USER_EMAIL = "pdaas_user_email";
    public static final String CLAIM_CODE = "pdaas_claim_code";
    public static final String RESET = "pdaas_reset";

    private static final Logger LOG = Logger.getLogger(DeviceApiListener.class);
    /** A pragmatic address check (one @, a dot in the domain, no spaces); user-service verifies by sending mail. */
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s.]+(\\.[^@\\s.]+)+");

    @Inject
    Inbox inbox;

    @Inject
    Outbox outbox;

    @Inject
    DeviceRepository devices;

    @Inject
    OwnershipService ownership;

    @Incoming(Channels.REGISTRY_RESOURCE)
    @Blocking(ordered = true)
    public void onResourceWritten(String message) {
        inbox.handle(CONSUMER, message, this::apply);
    }

    void apply(Envelope envelope) {
        if (!envelope.is(RegistryEvents.ResourceWritten.class)) {
            return;
        }
        RegistryEvents.ResourceWritten written = envelope.dataAs(RegistryEvents.ResourceWritten.class);
        if (!RegistryEvents.ResourceWritten.FROM_DEVICE.equals(written.origin())) {
            return;
        }
        switch (written.alias()) {
            case USER_EMAIL -> requestAccount(written.identity(), written.value());
            case CLAIM_CODE -> setClaimCode(written.identity(), written.value());
            case RESET -> reset(written.identity(), written.value());
            default -> {
                // other aliases belong to other services
            }
        }
    }

    private void requestAccount(String identity, String value) {
        String email = value == null ? "" : value.strip();
        if (email.length() > 254 || !EMAIL.matcher(email).matches()) {
            LOG.warnf("device %s wrote %s that is not an email address; ignored", identity, USER_EMAIL);
            return;
        }
        if (devices.lock(identity).filter(d -> d.isOwned()).isPresent()) {
            LOG.infof("device %s wrote %s but already has an owner; ignored (seed: only without owner)", identity, USER_EMAIL);
            return;
        }
        outbox.publish(identity, new ClaimEvents.AccountRequested(identity, email, Instant.now()));
    }

    private void setClaimCode(String identity, String value) {
        String problem = ClaimCode.problem(value);
        if (problem != null) {
            LOG.warnf("device %s wrote %s that %s; ignored", identity, CLAIM_CODE, problem);
            return;
        }
        ownership.setClaimCode(identity, ClaimCode.normalize(value), OwnershipService.Setter.DEVICE);
    }

    private void reset(String identity, String value) {
        if (value == null || !value.strip().equalsIgnoreCase("true")) {
            LOG.warnf("device %s wrote %s=%s; only true resets; ignored", identity, RESET, value);
            return;
        }
        ownership.resetByDevice(identity);
    }
}
