package io.everycloud.notification.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The SSRF guard on its own: which addresses and URLs webhooks may go to. */
class WebhookUrlPolicyTest {

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
            "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "198.18.0.1", "::1", "::",
            "fe80::1", "fc00::1", "fd12:3456::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a00:1", "ff02::1"})
    void privateLoopbackAndLinkLocalAddressesAreNotPublic(String address) throws Exception {
        assertThat(WebhookUrlPolicy.isPublic(InetAddress.getByName(address))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "::ffff:8.8.8.8"})
    void publicAddressesArePublic(String address) throws Exception {
        assertThat(WebhookUrlPolicy.isPublic(InetAddress.getByName(address))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8080/hook", "http://localhost/hook", "https://[::1]/hook",
            "http://169.254.169.254/latest/meta-data", "http://10.0.0.5/hook", "http://0x7f000001/hook"})
    void urlsToPrivateHostsAreRefusedUnlessAllowed(String url) throws Exception {
        assertThatThrownBy(() -> WebhookUrlPolicy.check(url, false)).isInstanceOf(WebhookUrlPolicy.Refused.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://example.com/x", "file:///etc/passwd", "http://user:pw@example.com/x", "/relative",
            "not a url", "https:///nohost"})
    void urlsThatAreNotPlainHttpAreRefusedEvenWhenPrivateIsAllowed(String url) {
        assertThatThrownBy(() -> WebhookUrlPolicy.check(url, true)).isInstanceOf(WebhookUrlPolicy.Refused.class);
    }

    @org.junit.jupiter.api.Test
    void privateHostsAreAcceptedWhenConfigurationAllowsThem() throws Exception {
        assertThat(WebhookUrlPolicy.check("http://127.0.0.1:9999/hook", true).getPort()).isEqualTo(9999);
    }
}
