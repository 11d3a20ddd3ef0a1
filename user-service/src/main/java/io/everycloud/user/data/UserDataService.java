package io.everycloud.user.data;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.everycloud.events.UserEvents;
import io.everycloud.kit.outbox.Outbox;
import io.everycloud.kit.problem.ProblemException;
import io.everycloud.user.account.AccountService;
import io.everycloud.user.account.Fields;
import io.everycloud.user.client.ClientService;
import io.everycloud.user.config.UserConfig;

/**
 * User data (seed "Application Access"): free keys with JSON values. Keys {@code app_<app id>}
 * hold the user's options for that app, {@code {"default": boolean}}: whether the app is added to
 * every device the user claims from now on. Changes are announced, so claim-service knows the
 * defaults when a device is claimed.
 */
@ApplicationScoped
public class UserDataService {

    public static final String APP_PREFIX = "app_";
    public static final Pattern KEY = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$");

    @Inject
    AccountService accounts;

    @Inject
    Outbox outbox;

    @Inject
    ObjectMapper json;

    @Inject
    UserConfig config;

    @Transactional
    public Map<String, JsonNode> all(UUID accountId) {
        accounts.find(accountId);
        Map<String, JsonNode> data = new LinkedHashMap<>();
        for (UserDataEntry entry : UserDataEntry.<UserDataEntry>list("accountId = ?1 order by dataKey", accountId)) {
            data.put(entry.dataKey, read(entry.valueJson));
        }
        return data;
    }

    @Transactional
    public JsonNode put(UUID accountId, String key, JsonNode value) {
        accounts.find(accountId);
        validate(key, value);
        String text = write(value);
        if (text.getBytes(StandardCharsets.UTF_8).length > config.data().maxValueBytes()) {
            throw ProblemException.badRequest("value", "must be at most " + config.data().maxValueBytes() + " bytes of JSON");
        }
        Instant now = Instant.now();
        UserDataEntry entry = UserDataEntry.findById(new UserDataEntry.Key(accountId, key));
        if (entry == null) {
            if (UserDataEntry.count("accountId", accountId) >= config.data().maxKeys()) {
                throw ProblemException.conflict("this user already has " + config.data().maxKeys() + " data keys, the most allowed");
            }
            entry = new UserDataEntry();
            entry.accountId = accountId;
            entry.dataKey = key;
            entry.valueJson = text;
            entry.updatedAt = now;
            entry.persist();
        } else if (entry.valueJson.equals(text)) {
            return value;
        } else {
            entry.valueJson = text;
            entry.updatedAt = now;
        }
        outbox.publish(accountId.toString(), new UserEvents.UserDataChanged(accountId, key, value, now));
        return value;
    }

    @Transactional
    public void delete(UUID accountId, String key) {
        accounts.find(accountId);
        UserDataEntry entry = UserDataEntry.findById(new UserDataEntry.Key(accountId, key));
        if (entry == null) {
            throw ProblemException.notFound("this user has no data key " + key);
        }
        entry.delete();
        outbox.publish(accountId.toString(), new UserEvents.UserDataChanged(accountId, key, null, Instant.now()));
    }

    /** Checks a key and its value; {@code app_<id>} values must be {@code {"default": boolean}}. */
    static void validate(String key, JsonNode value) {
        Fields fields = new Fields();
        if (key == null || !KEY.matcher(key).matches()) {
            fields.add("key", "must be 1 to 128 letters, digits, '_', '.', ':' or '-', starting with a letter or digit");
            fields.throwIfAny();
        }
        if (value == null || value.isMissingNode() || value.isNull()) {
            fields.add("value", "is required: any JSON value but null (DELETE removes a key)");
            fields.throwIfAny();
        }
        if (key.startsWith(APP_PREFIX)) {
            String appId = key.substring(APP_PREFIX.length());
            if (!ClientService.APP_ID.matcher(appId).matches()) {
                fields.add("key", "must be app_ followed by an app id (letters, digits, '_' or '-')");
            }
            if (!value.isObject()) {
                fields.add("value", "must be a JSON object such as {\"default\": true}");
            } else {
                JsonNode isDefault = value.get("default");
                if (isDefault == null) {
                    fields.add("value.default", "is required");
                } else if (!isDefault.isBoolean()) {
                    fields.add("value.default", "must be true or false");
                }
                for (Iterator<String> names = value.fieldNames(); names.hasNext();) {
                    String name = names.next();
                    if (!List.of("default").contains(name)) {
                        fields.add("value." + name, "is not a supported app option (supported: default)");
                    }
                }
            }
        }
        fields.throwIfAny();
    }

    private JsonNode read(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored user data is not JSON", e);
        }
    }

    private String write(JsonNode value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
