package io.everycloud.registry.product;

import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.dashjoin.jsonata.JException;
import com.dashjoin.jsonata.Jsonata;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;

import io.everycloud.kit.problem.ProblemException;
import io.everycloud.registry.RegistryConfig;

/**
 * The product transform: a JSONata expression evaluated on a device's data with
 * {@code $identity} and {@code $alias} bound. Every evaluation is bounded in time and depth, so an
 * expression that loops or recurses forever fails instead of holding a thread.
 */
@ApplicationScoped
public class TransformEngine {

    @Inject
    RegistryConfig config;

    @Inject
    ObjectMapper json;

    /**
     * Compiled expressions per thread: a compiled expression is reused, but is not documented
     * as safe to evaluate from several threads at once.
     */
    private final ThreadLocal<Map<String, Jsonata>> compiled = ThreadLocal.withInitial(HashMap::new);

    /** Checks an expression; a 400 naming {@code transform} with the error position when it is not JSONata. */
    public void validate(String expression) {
        if (expression.length() > config.transform().maxLength()) {
            throw ProblemException.badRequest("transform", "is longer than " + config.transform().maxLength() + " characters");
        }
        try {
            Jsonata.jsonata(expression);
        } catch (JException e) {
            throw ProblemException.badRequest("transform", "is not a valid JSONata expression at position "
                    + e.getLocation() + ": " + e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            throw ProblemException.badRequest("transform", "is not a valid JSONata expression: " + e.getMessage());
        }
    }

    /**
     * Applies the expression to a value (JSON when it parses as JSON, else the text). Returns null
     * when the expression yields nothing (the message is not routed).
     */
    public JsonNode apply(String expression, String identity, String alias, String value) throws TransformException {
        Object input;
        try {
            input = json.readValue(value, Object.class);
        } catch (Exception e) {
            input = value;
        }
        try {
            Map<String, Jsonata> cache = compiled.get();
            if (cache.size() > 16 && !cache.containsKey(expression)) {
                cache.clear();
            }
            Jsonata jsonata = cache.computeIfAbsent(expression, Jsonata::jsonata);
            Jsonata.Frame frame = jsonata.createFrame();
            frame.setRuntimeBounds(config.transform().timeoutMs(), config.transform().maxDepth());
            frame.bind("identity", identity);
            frame.bind("alias", alias);
            Object result = jsonata.evaluate(input, frame);
            if (result == null) {
                return null;
            }
            return result == Jsonata.NULL_VALUE ? NullNode.instance : json.valueToTree(result);
        } catch (RuntimeException | StackOverflowError e) {
            throw new TransformException(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    /** The transform failed at runtime (error, timeout or depth). */
    public static final class TransformException extends Exception {
        public TransformException(String message) {
            super(message, null, false, false);
        }
    }
}
