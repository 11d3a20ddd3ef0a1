package io.everycloud.kit.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The strict form reader: what a browser or OAuth client sends is read; a broken body names its parameter. */
class UrlEncodedFormTest {

    private static Map<String, List<String>> parse(String body) {
        return UrlEncodedForm.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    private static UrlEncodedForm.Malformed refused(String body) {
        try {
            parse(body);
        } catch (UrlEncodedForm.Malformed e) {
            return e;
        }
        throw new AssertionError("accepted: " + body);
    }

    @Test
    void namesAndValuesAreDecodedInOrderWithRepeatedNamesKept() {
        Map<String, List<String>> form = parse("grant_type=password&username=a%40b.example&password=x+y%2Bz&scope=1&scope=2");

        assertThat(form.keySet()).containsExactly("grant_type", "username", "password", "scope");
        assertThat(form.get("username")).containsExactly("a@b.example");
        assertThat(form.get("password")).containsExactly("x y+z");
        assertThat(form.get("scope")).containsExactly("1", "2");
    }

    @Test
    void utf8EscapesAndRawUtf8AreText() {
        assertThat(parse("name=Gr%C3%BC%C3%9Fe&city=日本").get("name")).containsExactly("Grüße");
        assertThat(parse("name=Gr%C3%BC%C3%9Fe&city=日本").get("city")).containsExactly("日本");
    }

    @Test
    void emptyPartsAreSkippedAndANameWithoutEqualsHasAnEmptyValue() {
        assertThat(parse("")).isEmpty();
        assertThat(parse("&&&")).isEmpty();
        assertThat(parse("a").get("a")).containsExactly("");
        assertThat(parse("a=&b=1&").get("a")).containsExactly("");
        assertThat(parse("=1").get("")).containsExactly("1");
    }

    @Test
    void aMalformedEscapeInAValueNamesTheParameter() {
        for (String body : List.of("a=%zz", "a=%G0", "a=%", "a=x%4", "x=1&a=%zz&b=2")) {
            UrlEncodedForm.Malformed e = refused(body);
            assertThat(e.parameter()).as(body).isEqualTo("a");
            assertThat(e.getMessage()).as(body).startsWith("the value of a has a malformed %-escape");
        }
        assertThat(refused("a=%zz").getMessage()).isEqualTo("the value of a has a malformed %-escape ('%zz')");
        assertThat(refused("a=%").getMessage()).isEqualTo("the value of a has a malformed %-escape ('%')");
    }

    @Test
    void aMalformedEscapeInANameShowsTheName() {
        UrlEncodedForm.Malformed e = refused("%zz=1");

        assertThat(e.parameter()).isNull();
        assertThat(e.getMessage()).isEqualTo("the parameter name '%zz' has a malformed %-escape ('%zz')");
    }

    @Test
    void aNulCharacterInAValueOrANameIsRefused() {
        UrlEncodedForm.Malformed value = refused("username=nul%00byte&password=x");
        assertThat(value.parameter()).isEqualTo("username");
        assertThat(value.getMessage()).isEqualTo("the value of username contains a NUL character (%00)");

        UrlEncodedForm.Malformed name = refused("a%00b=1");
        assertThat(name.parameter()).isNull();
        assertThat(name.getMessage()).contains("contains a NUL character");

        UrlEncodedForm.Malformed raw = refused("a=x\u0000y");
        assertThat(raw.parameter()).isEqualTo("a");
    }

    @Test
    void bytesThatAreNotUtf8AreRefused() {
        UrlEncodedForm.Malformed e = refused("a=%C3%28");

        assertThat(e.parameter()).isEqualTo("a");
        assertThat(e.getMessage()).isEqualTo("the value of a is not UTF-8");
    }

    @Test
    void aSingleTextIsDecodedByTheSameRules() {
        assertThat(UrlEncodedForm.decode("my%20app+1", "the client id")).isEqualTo("my app 1");
        assertThatThrownBy(() -> UrlEncodedForm.decode("s%zz", "the client secret"))
                .isInstanceOf(UrlEncodedForm.Malformed.class)
                .hasMessage("the client secret has a malformed %-escape ('%zz')");
    }

    @Test
    void aLongOrControlCharacterNameIsShownShortAndPrintable() {
        UrlEncodedForm.Malformed e = refused("b".repeat(100) + "%zz=1");

        assertThat(e.getMessage()).startsWith("the parameter name '" + "b".repeat(40) + "...' ");
        assertThat(refused("a%01b=%zz").getMessage()).isEqualTo("the value of a\\u0001b has a malformed %-escape ('%zz')");
    }
}
