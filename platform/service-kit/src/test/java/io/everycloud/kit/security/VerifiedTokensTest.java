package io.everycloud.kit.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;

/** The cache's rules without a server: its bound, its maximum age, a token's own expiry. */
class VerifiedTokensTest {

    private final AtomicLong now = new AtomicLong(1_800_000_000_000L);
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now.get());
        }
    };

    @Test
    void holdsAtMostItsSizeAndKeepsTheNewest() {
        VerifiedTokens tokens = new VerifiedTokens(10, Duration.ofMinutes(5), clock);
        for (int i = 0; i < 25; i++) {
            tokens.remember("token-" + i, identity("token-" + i, "user-" + i, 3600));
        }
        assertThat(tokens.size()).isLessThanOrEqualTo(10);
        assertThat(tokens.identity("token-24", null).getPrincipal().getName()).isEqualTo("user-24");
    }

    @Test
    void answersUntilTheTokenExpires() {
        VerifiedTokens tokens = new VerifiedTokens(10, Duration.ofMinutes(5), clock);
        tokens.remember("t", identity("t", "alice", 60));
        now.addAndGet(59_999);
        assertThat(tokens.identity("t", null)).isNotNull();
        now.addAndGet(1);
        assertThat(tokens.identity("t", null)).isNull();
        assertThat(tokens.size()).isZero();
    }

    @Test
    void answersNoLongerThanItsMaximumAge() {
        VerifiedTokens tokens = new VerifiedTokens(10, Duration.ofMinutes(5), clock);
        tokens.remember("t", identity("t", "alice", 3600));
        now.addAndGet(Duration.ofMinutes(5).toMillis() - 1);
        assertThat(tokens.identity("t", null)).isNotNull();
        now.addAndGet(1);
        assertThat(tokens.identity("t", null)).isNull();
    }

    @Test
    void sizeZeroRemembersNothing() {
        VerifiedTokens tokens = new VerifiedTokens(0, Duration.ofMinutes(5), clock);
        tokens.remember("t", identity("t", "alice", 3600));
        assertThat(tokens.enabled()).isFalse();
        assertThat(tokens.identity("t", null)).isNull();
    }

    @Test
    void keepsRolesCredentialsAndAttributes() {
        VerifiedTokens tokens = new VerifiedTokens(10, Duration.ofMinutes(5), clock);
        tokens.remember("t", identity("t", "alice", 3600));
        SecurityIdentity known = tokens.identity("t", null);
        assertThat(known.getRoles()).containsExactly("user");
        assertThat(known.getCredential(TokenCredential.class).getToken()).isEqualTo("t");
        assertThat((String) known.getAttribute("tenant-id")).isEqualTo("Default");
    }

    private SecurityIdentity identity(String token, String subject, long validForSeconds) {
        long exp = now.get() / 1000 + validForSeconds;
        JsonWebToken jwt = new JsonWebToken() {
            @Override
            public String getName() {
                return subject;
            }

            @Override
            public Set<String> getClaimNames() {
                return Set.of("sub", "exp");
            }

            @Override
            @SuppressWarnings("unchecked")
            public <T> T getClaim(String claimName) {
                return (T) switch (claimName) {
                    case "sub" -> subject;
                    case "exp" -> Long.valueOf(exp);
                    default -> null;
                };
            }
        };
        return QuarkusSecurityIdentity.builder().setPrincipal(jwt).addRole("user")
                .addCredential(new TokenCredential(token, "bearer")).addAttribute("tenant-id", "Default").build();
    }
}
