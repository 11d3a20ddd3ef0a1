package io.everycloud.notification.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Links in emails may only lead to the configured public URL. */
class PublicLinkTest {

    @ParameterizedTest
    @ValueSource(strings = {"https://portal.example.com/verify?token=a", "https://portal.example.com/",
            "https://PORTAL.example.com/password-reset?token=b", "https://portal.example.com"})
    void linksUnderThePublicUrlAreAccepted(String link) {
        assertThat(EmailQueue.underPublicUrl("https://portal.example.com", link)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://portal.example.com/verify", "https://portal.example.com.evil.net/verify",
            "https://portal.example.com@evil.net/verify", "https://user@portal.example.com/verify",
            "https://portal.example.com:8443/verify", "https://evil.net/https://portal.example.com/verify",
            "javascript:alert(1)", "//portal.example.com/verify", "not a url"})
    void linksElsewhereAreRefused(String link) {
        assertThat(EmailQueue.underPublicUrl("https://portal.example.com", link)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://example.com/connector/verify", "https://example.com/connector"})
    void aPublicUrlWithAPathCoversOnlyThatPath(String link) {
        assertThat(EmailQueue.underPublicUrl("https://example.com/connector/", link)).isTrue();
        assertThat(EmailQueue.underPublicUrl("https://example.com/connector", "https://example.com/connectorx/verify")).isFalse();
        assertThat(EmailQueue.underPublicUrl("https://example.com/connector", "https://example.com/other")).isFalse();
    }
}
