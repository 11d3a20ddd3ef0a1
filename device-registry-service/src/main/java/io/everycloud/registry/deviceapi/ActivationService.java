package io.everycloud.registry.deviceapi;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import io.everycloud.events.RegistryEvents;
import io.everycloud.kit.config.EveryCloudConfig;
import io.everycloud.kit.outbox.Outbox;
import io.everycloud.kit.problem.ProblemException;
import io.everycloud.registry.device.DeviceRepository;
import io.everycloud.registry.device.DeviceService;
import io.everycloud.registry.device.Identities;
import io.everycloud.registry.product.ProductService;

/**
 * {@code POST /provision/activate}: hands a provisioned device its token, once. In open
 * provisioning mode an unknown identity is created first.
 */
@ApplicationScoped
public class ActivationService {

    @Inject
    DeviceRepository devices;

    @Inject
    DeviceService deviceService;

    @Inject
    ProductService products;

    @Inject
    EveryCloudConfig everycloud;

    @Inject
    Outbox outbox;

    /** Returns the new token (shown once; only its hash is kept). */
    @Transactional
    public String activate(String body) {
        Map<String, String> form = new HashMap<>();
        for (Map.Entry<String, String> pair : Form.parse(body)) {
            form.putIfAbsent(pair.getKey(), pair.getValue());
        }
        String identity = form.get("id");
        if (identity == null) {
            identity = form.get("sn");
            String vendor = form.get("vendor");
            String model = form.get("model");
            if (identity == null) {
                throw ProblemException.badRequest("id", "give id=<identity> or vendor=<product>&model=<product>&sn=<identity>");
            }
            // Exosite's older form names the product twice; a device of another product is unknown here
            for (String product : java.util.Arrays.asList(vendor, model)) {
                if (product != null && !product.equals(everycloud.productId())) {
                    throw ProblemException.notFound("this connector serves product " + everycloud.productId());
                }
            }
        }
        Identities.require(form.containsKey("id") ? "id" : "sn", identity);
        Instant now = Instant.now();
        if (products.get().open()) {
            deviceService.createOnActivation(identity, now);
        }
        String token = DeviceTokens.generate();
        String hash = DeviceTokens.hash(token);
        if (!devices.activate(identity, hash, now)) {
            if (devices.find(identity).isEmpty()) {
                throw ProblemException.notFound("device " + identity + " is not provisioned");
            }
            throw ProblemException.conflict("device " + identity + " is already activated; the OEM can re-enable activation");
        }
        outbox.publish(identity, new RegistryEvents.DeviceActivated(identity, hash, now));
        return token;
    }

}
