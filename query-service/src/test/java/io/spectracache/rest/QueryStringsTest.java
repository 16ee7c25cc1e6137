package io.spectracache.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spectracache.errors.InvalidRequestException;
import org.junit.jupiter.api.Test;

/** Query strings decode exactly or are refused (issue 6, item 7: {@code ?prefix=%G1} was dropped and scanned everything). */
class QueryStringsTest {
    @Test
    void shouldAcceptWhatDecodesExactly() {
        for (String query : new String[] {null, "", "prefix=a", "prefix=caf%C3%A9&limit=10", "prefix=a+b", "a=&b", "p=%F0%9F%9A%9A",
                "p=%2F%3D%26", "p=caf\u00e9", "flag"}) {
            QueryStrings.requireDecodable(query);
        }
    }

    @Test
    void shouldRefuseABrokenEscapeNamingTheParameterInsteadOfDroppingIt() {
        assertThatThrownBy(() -> QueryStrings.requireDecodable("limit=5&prefix=%G1"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("'prefix': not valid URL encoding ('%G1' is a % without two hex digits)");
        assertThatThrownBy(() -> QueryStrings.requireDecodable("prefix=ab%")).hasMessageContaining("'%' is a % without two hex digits");
        assertThatThrownBy(() -> QueryStrings.requireDecodable("prefix=ab%4")).hasMessageContaining("'%4' is a % without two hex digits");
        // Character.digit would take these as hex digits: only ASCII hex counts.
        assertThatThrownBy(() -> QueryStrings.requireDecodable("prefix=%\uFF11\uFF11")).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void shouldRefuseBytesThatAreNotUtf8InsteadOfReadingThemAsReplacementCharacters() {
        for (String value : new String[] {"%C3%28", "%FF", "%C3", "%ED%A0%80", "%C0%AF"}) {
            assertThatThrownBy(() -> QueryStrings.requireDecodable("prefix=" + value)).as(value)
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("its bytes are not UTF-8");
        }
    }

    @Test
    void shouldRefuseAnUndecodableParameterName() {
        assertThatThrownBy(() -> QueryStrings.requireDecodable("pre%ZZfix=a"))
                .hasMessageStartingWith("a query parameter name is not valid URL encoding");
        assertThat(QueryStrings.problemOf("ok%20fine")).isNull();
    }
}
