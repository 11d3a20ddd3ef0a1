package io.everycloud.claim.account;

import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.everycloud.claim.ownership.OwnershipService;
import io.everycloud.events.Envelope;
import io.everycloud.events.UserEvents;
import io.everycloud.kit.inbox.Channels;
import io.everycloud.kit.inbox.Inbox;
import io.smallrye.reactive.messaging.annotations.Blocking;

/**
 * What claim-service needs from user.account.v1: the users' default apps (user data
 * {@code app_<id>} with {@code {"default": true}}), accounts that devices asked for (claim the
 * device, method {@code device-email}; parked until the projection knows the device) and deleted
 * accounts (their ownerships and parked claims end).
 */
@ApplicationScoped
public class AccountListener {

    static final String CONSUMER = "claim-accounts";
    static final String APP_KEY_PREFIX = "app_";
    private static final Pattern APP_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final Logger LOG = Logger.getLogger(AccountListener.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Inbox inbox;

    @Inject
    DefaultAppsRepository defaultApps;

    @Inject
    OwnershipService ownership;

    @Incoming(Channels.USER_ACCOUNT)
    @Blocking(ordered = true)
    public void onAccountEvent(String message) {
        inbox.handle(CONSUMER, message, this::apply);
    }

    void apply(Envelope envelope) {
        if (envelope.is(UserEvents.UserDataChanged.class)) {
            UserEvents.UserDataChanged changed = envelope.dataAs(UserEvents.UserDataChanged.class);
            if (changed.key().startsWith(APP_KEY_PREFIX)) {
                String appId = changed.key().substring(APP_KEY_PREFIX.length());
                if (!APP_ID.matcher(appId).matches()) {
                    LOG.warnf("user %s: data key %s does not name an app id; ignored", changed.userId(), changed.key());
                    return;
                }
                defaultApps.set(changed.userId(), appId, isDefault(changed.value()));
            }
        } else if (envelope.is(UserEvents.DeviceAccountReady.class)) {
            UserEvents.DeviceAccountReady ready = envelope.dataAs(UserEvents.DeviceAccountReady.class);
            ownership.claimForDeviceEmail(ready.userId(), ready.identity(), envelope.time());
        } else if (envelope.is(UserEvents.AccountDeleted.class)) {
            ownership.endOwnershipsOf(envelope.dataAs(UserEvents.AccountDeleted.class).userId());
        }
    }

    /** The seed stores the options as a JSON string; user-service may also send the parsed object. */
    static boolean isDefault(JsonNode value) {
        JsonNode options = value;
        if (options != null && options.isTextual()) {
            try {
                options = JSON.readTree(options.asText());
            } catch (Exception e) {
                return false;
            }
        }
        return options != null && options.isObject() && options.path("default").asBoolean(false)
                && options.path("default").isBoolean();
    }
}
