package io.everycloud.registry.device;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.everycloud.kit.problem.ProblemException;
import io.everycloud.kit.security.Caller;
import io.everycloud.registry.tag.Tags;

/**
 * Object-level authorization: oem sees every device, a user the devices whose {@code users} tag
 * holds their id, an app those whose {@code apps} tag holds its id. Anything else is 404, so a
 * caller cannot learn whether someone else's device exists.
 */
@ApplicationScoped
public class DeviceAccess {

    @Inject
    DeviceRepository devices;

    /** The device if the caller may see it; 404 otherwise. */
    public DeviceRow visible(Caller caller, String identity) {
        if (!Identities.valid(identity)) {
            throw notFound(identity);
        }
        DeviceRow row = devices.find(identity).orElseThrow(() -> notFound(identity));
        if (caller.isOem()) {
            return row;
        }
        if (caller.isUser() && devices.hasTag(identity, Tags.USERS, caller.id())) {
            return row;
        }
        if (caller.isApp() && devices.hasTag(identity, Tags.APPS, caller.id())) {
            return row;
        }
        throw notFound(identity);
    }

    /** The tag that limits what a caller sees in lists, or null for oem. */
    public String[] scope(Caller caller) {
        if (caller.isOem()) {
            return null;
        }
        if (caller.isUser()) {
            return new String[] { Tags.USERS, caller.id() };
        }
        if (caller.isApp()) {
            return new String[] { Tags.APPS, caller.id() };
        }
        throw ProblemException.forbidden("your role does not allow this");
    }

    public static ProblemException notFound(String identity) {
        return ProblemException.notFound("no device " + identity);
    }
}
