package io.payg.telco.safaricom;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SourceAllowListTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "196.201.214.200|196.201.214.200",
        "196.201.214.0/24|196.201.214.200",
        "10.0.0.1, 196.201.214.200|196.201.214.200",
        "196.201.212.0/22|196.201.215.255",
        "196.201.214.192/27|196.201.214.200",
        "0.0.0.0/0|8.8.8.8",
        "196.201.214.200/32|196.201.214.200",
        "196.201.214.200|::ffff:196.201.214.200",
        "2001:db8::/32|2001:db8:1::7",
        "2001:db8::7|[2001:db8::7]",
        "fe80::/10|fe80::1%eth0",
        "::1|0:0:0:0:0:0:0:1",
        "127.0.0.1|127.0.0.1",
      })
  void allows(String list, String address) {
    assertTrue(SourceAllowList.allows(list, address));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "196.201.214.200|196.201.214.201",
        "196.201.214.0/24|196.201.215.0",
        "196.201.214.192/27|196.201.214.224",
        "196.201.214.200/33|196.201.214.200",
        "196.201.214.200/-1|196.201.214.200",
        "196.201.214.200/x|196.201.214.200",
        "196.201.214.256|196.201.214.0",
        "localhost|127.0.0.1",
        "safaricom.co.ke|196.201.214.200",
        "2001:db8::/32|2001:db9::1",
        "196.201.214.200|::1",
        "::/0|196.201.214.200",
        "0.0.0.0/0|not-an-address",
        "0.0.0.0/0|999.1.1.1",
      })
  void refuses(String list, String address) {
    assertFalse(SourceAllowList.allows(list, address));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", ",", " , "})
  void anEmptyListAllowsNothing(String list) {
    assertFalse(SourceAllowList.allows(list, "196.201.214.200"));
    assertFalse(SourceAllowList.allows(null, "196.201.214.200"));
    assertFalse(SourceAllowList.allows("0.0.0.0/0", null));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "example.com",
        ".1.2.3",
        "g::1",
        "1.2.3",
        "1.2.3.4.5",
        ":",
        "[]",
        "1:2:3:4:5:6:7:8:9"
      })
  void hostNamesAndBrokenLiteralsAreNotAddresses(String text) {
    assertNull(SourceAllowList.literal(text));
  }
}
