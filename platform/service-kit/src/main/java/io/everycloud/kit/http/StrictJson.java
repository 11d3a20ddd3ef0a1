package io.everycloud.kit.http;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.deser.std.JsonNodeDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * Every service reads JSON strictly: text after the JSON value ({@code {"a":1}}}) is malformed
 * JSON, and a string holding a NUL character (which PostgreSQL can store neither in text nor in
 * jsonb) is a wrongly formatted field, whether it is read as a Java {@code String} or inside a
 * JSON tree ({@code JsonNode}, {@code ObjectNode}, {@code ArrayNode}: a device resource's value,
 * a firmware message), as a value or as a member name. Both become the kit's 400 problem+json, the
 * second naming the field ({@code message.version}).
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.registerModule(new SimpleModule("everycloud-strict-json")
                .addDeserializer(String.class, new NoNulStrings())
                .addDeserializer(JsonNode.class, noNulTree(JsonNode.class))
                .addDeserializer(ObjectNode.class, noNulTree(ObjectNode.class))
                .addDeserializer(ArrayNode.class, noNulTree(ArrayNode.class)));
    }

    /** Jackson's tree deserializer for {@code type}, checked for NUL characters. */
    @SuppressWarnings({ "unchecked", "rawtypes" })
    static <T extends JsonNode> JsonDeserializer<T> noNulTree(Class<T> type) {
        return (JsonDeserializer) new NoNulTree(JsonNodeDeserializer.getDeserializer(type));
    }

    /**
     * Jackson's own tree reading (null, absent and empty values as before), refusing a tree with a
     * NUL character in a string or a member name; the error's path leads to it.
     */
    static final class NoNulTree extends DelegatingDeserializer {

        NoNulTree(JsonDeserializer<?> jackson) {
            super(jackson);
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> newDelegatee) {
            return new NoNulTree(newDelegatee);
        }

        /** A member missing from a record or bean: whatever Jackson's tree reading gives (null), not a NullNode. */
        @Override
        public Object getAbsentValue(DeserializationContext ctxt) throws JsonMappingException {
            return _delegatee.getAbsentValue(ctxt);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return checked(p, super.deserialize(p, ctxt));
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt, Object intoValue) throws IOException {
            return checked(p, super.deserialize(p, ctxt, intoValue));
        }

        private static Object checked(JsonParser p, Object tree) throws IOException {
            if (tree instanceof JsonNode node) {
                List<Object> path = new ArrayList<>();
                if (hasNul(node, path)) {
                    InvalidFormatException e = InvalidFormatException.from(p, "a string must not contain a NUL character",
                            node, JsonNode.class);
                    for (int i = path.size() - 1; i >= 0; i--) {
                        if (path.get(i) instanceof Integer index) {
                            e.prependPath(node, index);
                        } else {
                            // a member name is shown, never echoed with the NUL itself
                            e.prependPath(node, ((String) path.get(i)).replace("\0", "\\u0000"));
                        }
                    }
                    throw e;
                }
            }
            return tree;
        }

        /** Whether the tree holds a NUL; if so {@code path} leads to it (member names and positions). */
        static boolean hasNul(JsonNode node, List<Object> path) {
            if (node.isTextual()) {
                return node.textValue().indexOf('\0') >= 0;
            }
            if (node.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> member = it.next();
                    path.add(member.getKey());
                    if (member.getKey().indexOf('\0') >= 0 || hasNul(member.getValue(), path)) {
                        return true;
                    }
                    path.remove(path.size() - 1);
                }
            } else if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    path.add(i);
                    if (hasNul(node.get(i), path)) {
                        return true;
                    }
                    path.remove(path.size() - 1);
                }
            }
            return false;
        }
    }

    /** Jackson's own string reading, refusing a NUL character in the value. */
    static final class NoNulStrings extends StdScalarDeserializer<String> {

        NoNulStrings() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String value = StringDeserializer.instance.deserialize(p, ctxt);
            if (value != null && value.indexOf('\0') >= 0) {
                throw InvalidFormatException.from(p, "a string must not contain a NUL character", value, String.class);
            }
            return value;
        }

        @Override
        public boolean isCachable() {
            return true;
        }
    }
}
