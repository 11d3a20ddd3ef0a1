package io.everycloud.notification.branding;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.everycloud.events.EventJson;
import io.everycloud.events.PortalEvents;
import io.everycloud.kit.config.EveryCloudConfig;

/** Keeps the branding projection and answers what the next email is branded with. */
@ApplicationScoped
public class BrandingService {

    private static final ObjectMapper JSON = EventJson.mapper();

    @Inject
    EveryCloudConfig everycloud;

    /** Applies a branding change (inside the inbox transaction); an older event than the one in force is ignored. */
    public void apply(PortalEvents.BrandingChanged event, Instant eventTime) {
        Instant changedAt = event.changedAt() != null ? event.changedAt() : eventTime;
        BrandingProjection row = BrandingProjection.findById(BrandingProjection.THE_ROW);
        if (row == null) {
            row = new BrandingProjection();
        } else if (row.changedAt.isAfter(changedAt)) {
            return;
        }
        try {
            row.branding = JSON.writeValueAsString(event.branding());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("branding is not writable JSON", e);
        }
        row.logoUrl = event.logoUrl();
        row.devicePictureUrl = event.devicePictureUrl();
        row.changedAt = changedAt;
        row.persist();
    }

    /** The branding in force, or the seed's defaults before the portal published any. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Branding current() {
        BrandingProjection row = BrandingProjection.findById(BrandingProjection.THE_ROW);
        if (row == null) {
            return Branding.defaults(everycloud.publicUrl());
        }
        try {
            return Branding.from(JSON.readTree(row.branding), row.logoUrl, row.devicePictureUrl, everycloud.publicUrl());
        } catch (JsonProcessingException e) {
            return Branding.defaults(everycloud.publicUrl());
        }
    }
}
