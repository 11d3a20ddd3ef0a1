package io.everycloud.user.client;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.everycloud.kit.page.Page;
import io.everycloud.kit.page.PageRequest;
import io.everycloud.kit.problem.ProblemException;
import io.everycloud.user.account.Fields;
import io.everycloud.user.password.PasswordHasher;

/**
 * Application clients. The client id is the app id devices are routed to (their {@code apps}
 * tag): a Murano-style id given by the operator, or {@code ext_<random number>} for an external
 * app. The secret is shown once, at creation, and only its hash is kept.
 */
@ApplicationScoped
public class ClientService {

    /** App ids end up in device tags ({@code app:<id>:<name>}), so no colon and a bounded length. */
    public static final Pattern APP_ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$");
    private static final SecureRandom RANDOM = new SecureRandom();

    public record CreatedClient(String clientId, String clientSecret, String name, Instant createdAt) {
    }

    public record ClientView(String clientId, String name, Instant createdAt, String createdBy) {
        static ClientView of(AppClient c) {
            return new ClientView(c.clientId, c.name, c.createdAt, c.createdBy);
        }
    }

    @Transactional
    public CreatedClient create(String nameIn, String appIdIn, String createdBy) {
        Fields fields = new Fields();
        String name = fields.name("name", nameIn);
        if (name == null) {
            fields.add("name", "is required");
        }
        String appId = appIdIn == null || appIdIn.isBlank() ? null : appIdIn.trim();
        if (appId != null && !APP_ID.matcher(appId).matches()) {
            fields.add("appId", "must be 1 to 64 letters, digits, '_' or '-', starting with a letter or digit");
        }
        fields.throwIfAny();
        if (appId == null) {
            do {
                appId = "ext_" + randomNumber();
            } while (AppClient.findById(appId) != null);
        } else if (AppClient.findById(appId) != null) {
            throw ProblemException.conflict("a client with this app id already exists");
        }
        String secret = PasswordHasher.randomToken();
        AppClient client = new AppClient();
        client.clientId = appId;
        client.name = name;
        client.secretHash = PasswordHasher.sha256(secret);
        client.createdAt = Instant.now();
        client.createdBy = createdBy;
        client.persist();
        return new CreatedClient(client.clientId, secret, client.name, client.createdAt);
    }

    @Transactional
    public ClientView get(String clientId) {
        return ClientView.of(find(clientId));
    }

    @Transactional
    public Page<ClientView> list(PageRequest page) {
        List<AppClient> rows = page.after() == null
                ? AppClient.find("order by clientId").page(0, page.fetchSize()).list()
                : AppClient.find("clientId > ?1 order by clientId", page.after()).page(0, page.fetchSize()).list();
        return Page.of(rows, page, c -> c.clientId).map(ClientView::of);
    }

    @Transactional
    public void delete(String clientId) {
        find(clientId).delete();
    }

    /** The client whose secret matches, if any. */
    @Transactional
    public Optional<AppClient> authenticate(String clientId, String secret) {
        if (clientId == null || secret == null) {
            return Optional.empty();
        }
        AppClient client = AppClient.findById(clientId);
        if (client == null || !PasswordHasher.constantTimeEquals(client.secretHash, PasswordHasher.sha256(secret))) {
            return Optional.empty();
        }
        return Optional.of(client);
    }

    private static AppClient find(String clientId) {
        AppClient client = clientId == null ? null : AppClient.findById(clientId);
        if (client == null) {
            throw ProblemException.notFound("no such client");
        }
        return client;
    }

    /** 18 random digits (about 60 bits): "ext_ followed by a random unique number", as the product documents it. */
    private static String randomNumber() {
        StringBuilder digits = new StringBuilder(18);
        digits.append(1 + RANDOM.nextInt(9));
        for (int i = 1; i < 18; i++) {
            digits.append(RANDOM.nextInt(10));
        }
        return digits.toString();
    }
}
