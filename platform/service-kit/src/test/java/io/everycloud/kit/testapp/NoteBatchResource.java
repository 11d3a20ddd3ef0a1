package io.everycloud.kit.testapp;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;

import io.everycloud.events.Envelope;
import io.everycloud.events.RegistryEvents;
import io.everycloud.kit.outbox.Outbox;

/** Announces many events in one transaction through {@link Outbox#publishAll}, as a group commit does. */
@Path("/notes/batch")
public class NoteBatchResource {

    /** {@code count} events for each subject, interleaved: a0, b0, a1, b1, ... */
    public record NoteBatch(List<String> subjects, int count) {
    }

    @Inject
    Outbox outbox;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Transactional
    public void publish(NoteBatch batch) {
        List<Envelope> events = new ArrayList<>();
        for (int i = 0; i < batch.count(); i++) {
            for (String subject : batch.subjects()) {
                events.add(Envelope.of(subject, new RegistryEvents.ResourceWritten(subject, "data_in", "batch:" + i,
                        RegistryEvents.ResourceWritten.FROM_DEVICE, Instant.now())));
            }
        }
        outbox.publishAll(events);
    }
}
