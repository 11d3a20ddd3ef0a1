package io.everycloud.registry.resource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionException;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import com.fasterxml.jackson.databind.JsonNode;

import io.everycloud.events.RegistryEvents;
import io.everycloud.kit.problem.ProblemException;
import io.everycloud.kit.security.Caller;
import io.everycloud.kit.security.Roles;
import io.everycloud.registry.RegistryConfig;
import io.everycloud.registry.device.DeviceAccess;
import io.everycloud.registry.device.DeviceView;

/**
 * {@code PUT /api/devices/{identity}/resources/{alias}}: the platform writes a value for the
 * device to read; the device's long polls on that alias are answered at once.
 */
@Path("/api/devices/{identity}/resources/{alias}")
@RolesAllowed({ Roles.OEM, Roles.USER, Roles.APP })
public class PlatformWriteResource {

    /** {@code {"value": ...}}: a string is stored as is, any other JSON as its text. */
    public record ResourceWrite(JsonNode value) {
    }

    @Inject
    DeviceAccess access;

    @Inject
    DeviceWrites writes;

    @Inject
    Caller caller;

    @Inject
    RegistryConfig config;

    @PUT
    public DeviceView.ResourceView write(@PathParam("identity") String identity, @PathParam("alias") String alias,
            ResourceWrite request) {
        access.visible(caller, identity);
        boolean ownerMay = caller.isUser() && config.ownerWritableAliases().orElse(List.of()).contains(alias);
        if (!caller.isOem() && !ownerMay) {
            throw ProblemException.forbidden("you may not write " + alias + " of this device");
        }
        if (!ReservedAliases.validAlias(alias)) {
            throw ProblemException.badRequest("alias", "must be 1-64 characters of A-Z a-z 0-9 _ . : -");
        }
        if (request == null || request.value() == null || request.value().isNull()) {
            throw ProblemException.badRequest("value", "is required");
        }
        String value = request.value().isTextual() ? request.value().textValue() : request.value().toString();
        if (value.getBytes(StandardCharsets.UTF_8).length > config.deviceApi().maxValueBytes()) {
            throw ProblemException.badRequest("value", "is larger than " + config.deviceApi().maxValueBytes() + " bytes");
        }
        Instant now = Instant.now();
        try {
            writes.submit(new DeviceWrite(identity, List.of(Point.now(alias, value, now)),
                    RegistryEvents.ResourceWritten.FROM_PLATFORM)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof ProblemException p ? p : e;
        }
        return new DeviceView.ResourceView(value, now);
    }
}
