package io.payg.telco.airtel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.domain.payment.Refusal;
import io.payg.domain.port.CollectionStatus;
import io.payg.domain.port.TelcoCall;
import io.payg.domain.port.TelcoRequest;
import io.payg.domain.port.TelcoResponse;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AirtelTelcoAdapterTest {

  static final String REF = "6f0e3a4c-5b1d-4e8a-9c2f-7d3b1a0e9f42";
  static final String SECRET = "zITVAAGYSlzl1WkUQJn81kbpT5drH3koffT8jCkcJJA=";
  final AirtelTelcoAdapter adapter = new AirtelTelcoAdapter();

  static JsonObject transaction(String status) {
    JsonObject t = new JsonObject()
        .put("id", REF)
        .put("message", "Paid TZS 5,000 to PAYG ENERGY, Trans ID " + "MP210603.1234.L06941.")
        .put("status_code", status);
    return "TS".equals(status) ? t.put("airtel_money_id", "MP210603.1234.L06941") : t;
  }

  static JsonObject callback(String status) {
    return new JsonObject().put("transaction", transaction(status));
  }

  static JsonObject signed(JsonObject callback, String secret) {
    String hash = AirtelTelcoAdapter.hash(
        secret,
        new JsonObject()
            .put("transaction", callback.getJsonObject("transaction"))
            .encode()
            .getBytes(StandardCharsets.UTF_8));
    return callback.copy().put("hash", hash);
  }

  TelcoCall decode(String body, Map<String, String> settings) {
    return adapter.decode(
        new TelcoRequest(
            "callback",
            Map.of("content-type", "application/json"),
            body.getBytes(StandardCharsets.UTF_8),
            "10.1.2.3",
            Instant.now()),
        "TZS",
        settings);
  }

  TelcoCall decode(JsonObject body) {
    return decode(body.encode(), Map.of());
  }

  static TelcoCall.Rejected rejected(TelcoCall call, Refusal refusal) {
    TelcoCall.Rejected r = assertInstanceOf(TelcoCall.Rejected.class, call);
    assertEquals(refusal, r.refusal(), r.detail());
    return r;
  }

  @Test
  void anExpiredPromptDecodesToAFailedHint() {
    String ref = UUID.randomUUID().toString();
    TelcoCall call = decode(new JsonObject()
        .put(
            "transaction",
            new JsonObject()
                .put("id", ref)
                .put("message", "Transaction Expired")
                .put("status_code", "TE")));
    assertEquals(
        new TelcoCall.CollectionUpdate(ref, CollectionStatus.failed("TE: Transaction Expired")),
        call);
  }

  @Test
  void statusCodesBecomeCollectionUpdatesForOurReference() {
    assertEquals(
        new TelcoCall.CollectionUpdate(REF, CollectionStatus.succeeded("MP210603.1234.L06941")),
        decode(callback("TS")));
    assertEquals(
        new TelcoCall.CollectionUpdate(
            REF,
            CollectionStatus.failed(
                "Paid TZS 5,000 to PAYG ENERGY, Trans ID " + "MP210603.1234.L06941.")),
        decode(callback("TF")));
    for (String pending : List.of("TIP", "TA", "DP", "SOMETHING_NEW")) {
      assertEquals(
          new TelcoCall.CollectionUpdate(REF, CollectionStatus.pending()),
          decode(callback(pending)));
    }
    // upper-case UUIDs are ours too
    JsonObject upper = callback("TS");
    upper.getJsonObject("transaction").put("id", REF.toUpperCase());
    assertEquals(REF, ((TelcoCall.CollectionUpdate) decode(upper)).reference());
  }

  @Test
  void nameAndOperations() {
    assertEquals("airtel", adapter.provider());
    assertTrue(adapter.isProcessOperation("callback"));
    assertFalse(adapter.isProcessOperation("process"));
    TelcoCall.Rejected r = rejected(
        adapter.decode(
            new TelcoRequest("process", Map.of(), "{}".getBytes(), "x", Instant.now()),
            "TZS",
            Map.of()),
        Refusal.MALFORMED_REQUEST);
    assertFalse(r.processCall());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "not json",
        "[]",
        "{}",
        "{\"transaction\":[]}",
        "{\"transaction\":{}}",
        "{\"transaction\":{\"id\":\"x\",\"status_code\":\"TS\"}}",
        "{\"transaction\":{\"id\":\"6f0e3a4c-5b1d-4e8a-9c2f-7d3b1a0e9f42\"}}",
        "{\"transaction\":{\"id\":\"6f0e3a4c-5b1d-4e8a-9c2f-7d3b1a0e9f42\",\"status_code\":7}}",
        "{\"transaction\":{\"id\":42,\"status_code\":\"TS\"}}"
      })
  void malformedCallbacksAreRefused(String body) {
    TelcoCall.Rejected r = rejected(decode(body, Map.of()), Refusal.MALFORMED_REQUEST);
    assertTrue(r.processCall());
    TelcoResponse answer = adapter.refusal(r.refusal(), r.detail(), true);
    assertEquals(400, answer.status());
    assertEquals("application/problem+json", answer.contentType());
  }

  @Test
  void anOversizeBodyIsRefused() {
    JsonObject big = callback("TS");
    big.getJsonObject("transaction").put("message", "x".repeat(70_000));
    rejected(decode(big), Refusal.MALFORMED_REQUEST);
  }

  @Test
  void withACallbackSecretTheHashIsRequiredAndChecked() {
    Map<String, String> settings = Map.of("callbackSecret", SECRET);
    JsonObject good = signed(callback("TS"), SECRET);
    assertEquals(
        new TelcoCall.CollectionUpdate(REF, CollectionStatus.succeeded("MP210603.1234.L06941")),
        decode(good.encode(), settings));
    // Airtel's text puts the hash first: order of the members does not matter
    JsonObject hashFirst = new JsonObject()
        .put("hash", good.getString("hash"))
        .put("transaction", good.getJsonObject("transaction"));
    assertInstanceOf(TelcoCall.CollectionUpdate.class, decode(hashFirst.encode(), settings));
    // the hash over the transaction object alone is accepted too
    JsonObject alone = callback("TF")
        .put(
            "hash",
            AirtelTelcoAdapter.hash(
                SECRET, transaction("TF").encode().getBytes(StandardCharsets.UTF_8)));
    assertInstanceOf(TelcoCall.CollectionUpdate.class, decode(alone.encode(), settings));

    JsonObject tampered = good.copy();
    tampered.getJsonObject("transaction").put("status_code", "TF");
    List<JsonObject> bad = List.of(
        callback("TS"),
        signed(callback("TS"), "another-key"),
        tampered,
        good.copy().put("hash", "not base64 !"),
        good.copy().put("hash", 42),
        good.copy().put("hash", ""),
        good.copy().put("hash", good.getString("hash").substring(4)));
    for (JsonObject body : bad) {
      TelcoCall.Rejected r = rejected(decode(body.encode(), settings), Refusal.UNAUTHENTICATED);
      assertEquals(401, adapter.refusal(r.refusal(), r.detail(), true).status());
    }
    // without a secret the hash is not looked at
    assertInstanceOf(TelcoCall.CollectionUpdate.class, decode(signed(callback("TS"), "whatever")));
  }

  @Test
  void answers() {
    assertEquals(200, adapter.callbackAnswer().status());
    assertEquals("{}", new String(adapter.callbackAnswer().body(), StandardCharsets.UTF_8));
    assertEquals(403, adapter.refusal(Refusal.PROVIDER_NOT_ENABLED, null, true).status());
    assertEquals(200, adapter.refusal(Refusal.DEVICE_NOT_FOUND, "x", true).status());
  }

  @Test
  void garbageNeverThrows() {
    Random random = new Random(11);
    byte[] valid = signed(callback("TS"), SECRET).encode().getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < 3_000; i++) {
      byte[] body;
      if (i % 2 == 0) {
        body = new byte[random.nextInt(300)];
        random.nextBytes(body);
      } else {
        body = valid.clone();
        body[random.nextInt(body.length)] = (byte) (32 + random.nextInt(95));
      }
      Map<String, String> settings = i % 3 == 0 ? Map.of() : Map.of("callbackSecret", SECRET);
      assertNotNull(adapter.decode(
          new TelcoRequest("callback", Map.of(), body, "x", Instant.now()), "TZS", settings));
    }
  }
}
