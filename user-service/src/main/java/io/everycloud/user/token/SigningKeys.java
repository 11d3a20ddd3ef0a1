package io.everycloud.user.token;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.lang.JoseException;

import io.everycloud.user.config.UserConfig;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;

/**
 * The keys tokens are signed with. Either one key given by configuration (a Kubernetes Secret),
 * or keys generated here and kept in the database, shared by every replica:
 * <ul>
 * <li>the newest key whose activation time has passed signs;</li>
 * <li>a new key is generated {@code prepublish} before the current one has signed for
 * {@code rotation}, and published at once, so verifiers that cached the JWKS know it before the
 * first token it signs reaches them;</li>
 * <li>a key that no longer signs stays in the JWKS until the last token it signed has expired.</li>
 * </ul>
 */
@ApplicationScoped
public class SigningKeys {

    private static final Logger LOG = Logger.getLogger(SigningKeys.class);
    /** Allowance for clocks that disagree between us and the verifiers. */
    private static final Duration SKEW = Duration.ofMinutes(1);
    /** Any fixed number: replicas take this advisory lock to generate keys one at a time. */
    private static final long GENERATION_LOCK = 0x5349474e4b455953L;

    @Inject
    UserConfig config;

    @Inject
    EntityManager em;

    private record Loaded(String kid, RsaJsonWebKey jwk, Instant activatesAt) {
    }

    private volatile List<Loaded> keys = List.of();
    private volatile RsaJsonWebKey configured;

    void onStart(@Observes StartupEvent start) {
        if (config.keys().privateKeyPem().filter(p -> !p.isBlank()).isPresent()) {
            configured = fromPem(config.keys().privateKeyPem().get());
            LOG.infof("signing tokens with the configured key %s", configured.getKeyId());
            return;
        }
        rotateIfDue();
    }

    /** The key that signs now. */
    public RsaJsonWebKey current() {
        if (configured != null) {
            return configured;
        }
        Instant now = Instant.now();
        RsaJsonWebKey signing = null;
        for (Loaded key : keys) {
            if (!key.activatesAt().isAfter(now)) {
                signing = key.jwk();
            }
        }
        if (signing == null) {
            // no key yet (first start raced with a request): make one now
            rotateIfDue();
            return keys.get(keys.size() - 1).jwk();
        }
        return signing;
    }

    /** The public keys verifiers need: the signing key, a key about to sign, and retired keys whose tokens may still be valid. */
    public String jwks() {
        List<JsonWebKey> published = new ArrayList<>();
        if (configured != null) {
            published.add(configured);
        } else {
            Instant now = Instant.now();
            Duration lifetime = config.tokens().accessTokenTtl().plus(SKEW);
            List<Loaded> all = keys;
            for (int i = 0; i < all.size(); i++) {
                Instant successorActivates = i + 1 < all.size() ? all.get(i + 1).activatesAt() : null;
                boolean retired = successorActivates != null && !successorActivates.isAfter(now);
                if (!retired || successorActivates.plus(lifetime).isAfter(now)) {
                    published.add(all.get(i).jwk());
                }
            }
        }
        return new JsonWebKeySet(published).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    /** Generates the next key when the current one is due to be replaced; reloads the keys. */
    @Scheduled(every = "5m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void rotateIfDue() {
        if (configured != null) {
            return;
        }
        QuarkusTransaction.requiringNew().run(() -> {
            lock();
            List<SigningKey> stored = stored();
            Instant now = Instant.now();
            if (stored.isEmpty()) {
                generate(now, now);
            } else {
                SigningKey newest = stored.get(stored.size() - 1);
                Duration prepublish = config.keys().prepublish();
                if (!newest.activatesAt.isAfter(now)
                        && !newest.activatesAt.plus(config.keys().rotation()).minus(prepublish).isAfter(now)) {
                    generate(now, now.plus(prepublish));
                }
                pruneRetired(stored, now);
            }
        });
        reload();
    }

    /**
     * Replaces the signing key at once (after a suspected compromise, say): the new key signs
     * from now on; the old one stays published until its tokens expire.
     */
    public String rotateNow() {
        if (configured != null) {
            throw new IllegalStateException("the signing key is given by configuration; rotate it there");
        }
        String kid = QuarkusTransaction.requiringNew().call(() -> {
            lock();
            Instant now = Instant.now();
            return generate(now, now).kid;
        });
        reload();
        return kid;
    }

    /** Other replicas may have rotated: read the keys again. */
    @Scheduled(every = "1m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void reload() {
        if (configured != null) {
            return;
        }
        List<SigningKey> stored = QuarkusTransaction.requiringNew().call(this::stored);
        List<Loaded> loaded = new ArrayList<>();
        for (SigningKey key : stored) {
            try {
                RsaJsonWebKey jwk = (RsaJsonWebKey) PublicJsonWebKey.Factory.newPublicJwk(key.privateJwk);
                loaded.add(new Loaded(key.kid, jwk, key.activatesAt));
            } catch (JoseException | ClassCastException e) {
                LOG.errorf("signing key %s in the database is unreadable; skipped", key.kid);
            }
        }
        keys = List.copyOf(loaded);
    }

    private SigningKey generate(Instant now, Instant activatesAt) {
        try {
            RsaJsonWebKey jwk = RsaJwkGenerator.generateJwk(config.keys().size());
            jwk.setKeyId(jwk.calculateBase64urlEncodedThumbprint("SHA-256"));
            jwk.setUse("sig");
            jwk.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
            SigningKey key = new SigningKey();
            key.kid = jwk.getKeyId();
            key.privateJwk = jwk.toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE);
            key.createdAt = now;
            key.activatesAt = activatesAt;
            key.persist();
            LOG.infof("generated signing key %s, signing from %s", key.kid, activatesAt);
            return key;
        } catch (JoseException e) {
            throw new IllegalStateException("could not generate a signing key", e);
        }
    }

    /** Deletes keys that no longer sign and whose tokens have all expired (a day of margin). */
    private void pruneRetired(List<SigningKey> stored, Instant now) {
        Duration keep = config.tokens().accessTokenTtl().plus(Duration.ofDays(1));
        for (int i = 0; i + 1 < stored.size(); i++) {
            Instant successor = stored.get(i + 1).activatesAt;
            if (successor.plus(keep).isBefore(now)) {
                stored.get(i).delete();
            }
        }
    }

    /**
     * The stored keys, oldest activation first. SQL, not a Panache (HQL) query: it runs in every
     * start, where the first HQL query of a JVM loads and runs Hibernate's query parser.
     */
    @SuppressWarnings("unchecked")
    private List<SigningKey> stored() {
        return em.createNativeQuery("SELECT * FROM signing_keys ORDER BY activates_at, kid", SigningKey.class).getResultList();
    }

    private void lock() {
        em.createNativeQuery("SELECT CAST(pg_advisory_xact_lock(" + GENERATION_LOCK + ") AS text)").getSingleResult();
    }

    static RsaJsonWebKey fromPem(String pem) {
        try {
            String base64 = pem.replaceAll("-----(BEGIN|END) (RSA )?PRIVATE KEY-----", "").replaceAll("\\s", "");
            if (pem.contains("BEGIN RSA PRIVATE KEY")) {
                throw new IllegalArgumentException("give the key in PKCS#8 (BEGIN PRIVATE KEY), e.g. openssl pkcs8 -topk8 -nocrypt");
            }
            KeyFactory factory = KeyFactory.getInstance("RSA");
            RSAPrivateCrtKey privateKey = (RSAPrivateCrtKey) factory
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
            BigInteger modulus = privateKey.getModulus();
            java.security.PublicKey publicKey = factory.generatePublic(new RSAPublicKeySpec(modulus, privateKey.getPublicExponent()));
            RsaJsonWebKey jwk = (RsaJsonWebKey) PublicJsonWebKey.Factory.newPublicJwk(publicKey);
            jwk.setPrivateKey(privateKey);
            jwk.setKeyId(jwk.calculateBase64urlEncodedThumbprint("SHA-256"));
            jwk.setUse("sig");
            jwk.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
            return jwk;
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("user-service.keys.private-key-pem is not a PKCS#8 RSA private key: " + e.getMessage(), e);
        } catch (Exception e) {
            throw new IllegalStateException("user-service.keys.private-key-pem is not a PKCS#8 RSA private key", e);
        }
    }
}
