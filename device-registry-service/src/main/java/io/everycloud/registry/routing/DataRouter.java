package io.everycloud.registry.routing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;

import io.everycloud.events.RegistryEvents;
import io.everycloud.registry.product.ProductService;
import io.everycloud.registry.product.TransformEngine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Routes device data to the apps in the device's {@code apps} tag: the product transform is
 * applied once, and one data.routed.v1 per app is published with the write. A message whose
 * transform fails is counted and logged with the device, and is not forwarded (never raw).
 */
@ApplicationScoped
public class DataRouter {

    private static final Logger LOG = Logger.getLogger(DataRouter.class);

    @Inject
    ProductService products;

    @Inject
    TransformEngine transforms;

    @Inject
    ObjectMapper json;

    @Inject
    MeterRegistry meters;

    /** The messages to publish for one value; empty when no app receives it or the transform failed. */
    public List<RegistryEvents.DataRouted> route(String identity, List<String> apps, String alias, String value,
            Instant receivedAt) {
        if (apps == null || apps.isEmpty()) {
            return List.of();
        }
        String expression = products.get().transform();
        JsonNode data;
        if (expression == null) {
            data = parse(value);
        } else {
            try {
                data = transforms.apply(expression, identity, alias, value);
            } catch (TransformEngine.TransformException e) {
                failures().increment();
                LOG.warnf("transform failed for device %s (alias %s); message not routed: %s", identity, alias,
                        e.getMessage());
                return List.of();
            }
            if (data == null) {
                return List.of();
            }
        }
        List<RegistryEvents.DataRouted> out = new ArrayList<>(apps.size());
        for (String app : apps) {
            out.add(new RegistryEvents.DataRouted(identity, app, alias, data, receivedAt));
        }
        return out;
    }

    private Counter failures() {
        return meters.counter("registry.transform.failures");
    }

    private JsonNode parse(String value) {
        try {
            JsonNode node = json.readTree(value);
            return node == null || node.isMissingNode() ? TextNode.valueOf(value) : node;
        } catch (Exception e) {
            return TextNode.valueOf(value);
        }
    }
}
