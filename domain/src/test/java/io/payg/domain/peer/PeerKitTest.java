package io.payg.domain.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PeerKitTest {

  @Test
  void transientStatusesAreTheOnesWorthAskingAgain() {
    for (int status : new int[] {408, 429, 500, 502, 503, 504}) {
      assertTrue(PeerStatus.isTransient(status), "HTTP " + status);
    }
    for (int status : new int[] {200, 201, 400, 401, 403, 404, 409, 422}) {
      assertFalse(PeerStatus.isTransient(status), "HTTP " + status);
    }
  }

  @Test
  void aPeersTextBecomesOneShortPrintableLine() {
    assertEquals("(empty)", PeerText.snippet(""));
    assertEquals("(empty)", PeerText.snippet(null));
    assertEquals("ok   forged: line", PeerText.snippet("ok\r\n\u0085forged: line"));
    assertEquals("a b", PeerText.clean("a\u2028b"));
    String long300 = "x".repeat(300);
    assertEquals("x".repeat(200) + "...", PeerText.snippet(long300));
    assertTrue(PeerText.hasControl("v\u0000"));
    assertFalse(PeerText.hasControl("plain value"));
  }

  @Test
  void settingsAreCheckedWithTheSameWordsForEveryPlugin() {
    PluginSettings s = new PluginSettings(
        "calin",
        Map.of(
            "baseUrl",
            "http://h/api//",
            "timeoutMs",
            " 2500 ",
            "bad",
            "ten",
            "zero",
            "0",
            "minus",
            "-1"));

    assertEquals(2500, s.timeoutMs("timeoutMs", 10_000));
    assertEquals(10_000, s.timeoutMs("absent", 10_000));
    assertEquals("http://h/api", s.httpUrl("baseUrl", null));
    assertEquals(
        "calin setting bad is not a number",
        assertThrows(UnusableSetting.class, () -> s.timeoutMs("bad", 1)).getMessage());
    assertEquals(
        "calin setting zero must be positive",
        assertThrows(UnusableSetting.class, () -> s.timeoutMs("zero", 1)).getMessage());
    assertEquals(
        "calin setting minus must not be negative",
        assertThrows(UnusableSetting.class, () -> s.nonNegative("minus", 0)).getMessage());
    assertEquals(
        "calin settings incomplete: baseUrl, userId and apiKey are required",
        assertThrows(UnusableSetting.class, () -> s.require("baseUrl", "userId", "apiKey"))
            .getMessage());
    assertEquals(
        "calin settings incomplete: userId is required",
        assertThrows(UnusableSetting.class, () -> s.require("userId")).getMessage());
    assertEquals(
        "calin setting bad must be an http(s) URL",
        assertThrows(UnusableSetting.class, () -> s.httpUrl("bad", null)).getMessage());
  }
}
