package io.everycloud.notification.branding;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.everycloud.events.Envelope;
import io.everycloud.events.PortalEvents;
import io.everycloud.kit.inbox.Channels;
import io.everycloud.kit.inbox.Inbox;
import io.smallrye.reactive.messaging.annotations.Blocking;

/** portal.settings.v1 → the branding projection. */
@ApplicationScoped
public class BrandingListener {

    @Inject
    Inbox inbox;

    @Inject
    BrandingService branding;

    @Incoming(Channels.PORTAL_SETTINGS)
    @Blocking(ordered = true)
    public void onPortalSettings(String message) {
        inbox.handle("notification-branding", message, this::apply);
    }

    void apply(Envelope envelope) {
        if (envelope.is(PortalEvents.BrandingChanged.class)) {
            branding.apply(envelope.dataAs(PortalEvents.BrandingChanged.class), envelope.time());
        }
    }
}
