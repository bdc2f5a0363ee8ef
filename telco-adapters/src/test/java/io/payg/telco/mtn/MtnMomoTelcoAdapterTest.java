package io.payg.telco.mtn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.domain.payment.Refusal;
import io.payg.domain.port.CollectionStatus;
import io.payg.domain.port.TelcoCall;
import io.payg.domain.port.TelcoRequest;
import io.payg.domain.port.TelcoResponse;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MtnMomoTelcoAdapterTest {

  static final String REF = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
  final MtnMomoTelcoAdapter adapter = new MtnMomoTelcoAdapter();

  TelcoCall decode(String operation, String body) {
    return adapter.decode(
        new TelcoRequest(
            operation,
            Map.of("content-type", "application/json"),
            body == null ? null : body.getBytes(StandardCharsets.UTF_8),
            "203.0.113.7",
            Instant.now()),
        "UGX",
        Map.of());
  }

  TelcoCall decode(String body) {
    return decode(MtnMomoTelcoAdapter.CALLBACK, body);
  }

  @Test
  void nameAndOperations() {
    assertEquals("mtn-momo", adapter.provider());
    assertEquals(adapter.provider(), MtnMomoCollections.NAME);
    assertTrue(adapter.isProcessOperation("callback"));
    assertFalse(adapter.isProcessOperation("process"));
    assertFalse(adapter.isProcessOperation("validate"));
  }

  @Test
  void successfulCallback() {
    String body = "{\"financialTransactionId\":\"363440463\",\"externalId\":\"" + REF
        + "\",\"amount\":\"5000\","
        + "\"currency\":\"UGX\",\"payer\":{\"partyIdType\":\"MSISDN\",\"partyId\":\"256772123456\"},"
        + "\"payerMessage\":\"Payment for SN-1\",\"payeeNote\":\"SN-1\",\"status\":\"SUCCESSFUL\"}";
    assertEquals(
        new TelcoCall.CollectionUpdate(REF, CollectionStatus.succeeded("363440463")), decode(body));
    // a numeric transaction id, an upper-case UUID
    assertEquals(
        new TelcoCall.CollectionUpdate(REF, CollectionStatus.succeeded("363440463")),
        decode("{\"externalId\":\"" + REF.toUpperCase()
            + "\",\"status\":\"SUCCESSFUL\",\"financialTransactionId\":363440463}"));
    // an unusable transaction id is dropped, not trusted: the status call supplies it
    assertEquals(
        new TelcoCall.CollectionUpdate(REF, CollectionStatus.succeeded(null)),
        decode("{\"externalId\":\"" + REF
            + "\",\"status\":\"SUCCESSFUL\",\"financialTransactionId\":\"a b\\nc\"}"));
  }

  @Test
  void failedCallbacks() {
    assertEquals(
        new TelcoCall.CollectionUpdate(REF, CollectionStatus.failed("APPROVAL_REJECTED")),
        decode("{\"externalId\":\"" + REF
            + "\",\"status\":\"FAILED\",\"reason\":\"APPROVAL_REJECTED\"}"));
    assertEquals(
        new TelcoCall.CollectionUpdate(
            REF, CollectionStatus.failed("PAYER_NOT_FOUND: Payer not found")),
        decode("{\"externalId\":\"" + REF
            + "\",\"status\":\"FAILED\",\"reason\":{\"code\":\"PAYER_NOT_FOUND\","
            + "\"message\":\"Payer not found\"}}"));
    assertEquals(
        new TelcoCall.CollectionUpdate(REF, CollectionStatus.failed("TIMEOUT")),
        decode("{\"externalId\":\"" + REF + "\",\"status\":\"TIMEOUT\"}"));
    // a status we do not know is still a reason to ask MoMo
    assertEquals(
        new TelcoCall.CollectionUpdate(REF, CollectionStatus.pending()),
        decode("{\"externalId\":\"" + REF + "\",\"status\":\"SOMETHING_NEW\"}"));
  }

  @Test
  void badBodiesAreMalformed() {
    for (String body : new String[] {
      null,
      "",
      "not json",
      "[1,2]",
      "\"SUCCESSFUL\"",
      "{}",
      "{\"status\":\"SUCCESSFUL\"}",
      "{\"externalId\":\"947354\",\"status\":\"SUCCESSFUL\"}",
      "{\"externalId\":\"" + REF + "/../x\",\"status\":\"SUCCESSFUL\"}",
      "{\"externalId\":123,\"status\":\"SUCCESSFUL\"}",
      "{\"externalId\":\"" + REF + "\"}",
      "{\"externalId\":\"" + REF + "\",\"status\":1}",
      "{\"externalId\":\"" + REF + "\",\"status\":\" \"}"
    }) {
      TelcoCall.Rejected r =
          assertInstanceOf(TelcoCall.Rejected.class, decode(body), String.valueOf(body));
      assertEquals(Refusal.MALFORMED_REQUEST, r.refusal());
      assertTrue(r.processCall());
    }
    String big = "{\"externalId\":\"" + REF + "\",\"status\":\"SUCCESSFUL\",\"x\":\""
        + "a".repeat(70_000) + "\"}";
    assertInstanceOf(TelcoCall.Rejected.class, decode(big));
  }

  @Test
  void otherOperationsAreMalformed() {
    String body = "{\"externalId\":\"" + REF + "\",\"status\":\"SUCCESSFUL\"}";
    for (String op : new String[] {"process", "validate", "webhook", ""}) {
      TelcoCall.Rejected r = assertInstanceOf(TelcoCall.Rejected.class, decode(op, body));
      assertEquals(Refusal.MALFORMED_REQUEST, r.refusal());
      assertEquals(
          400, adapter.refusal(r.refusal(), r.detail(), r.processCall()).status());
    }
  }

  @Test
  void answers() {
    assertEquals(new JsonObject(), json(adapter.callbackAnswer()));
    assertEquals(200, adapter.callbackAnswer().status());
    assertEquals(200, adapter.validationAnswer(null).status());
    assertEquals(200, adapter.processAnswer(null).status());

    TelcoResponse malformed = adapter.refusal(Refusal.MALFORMED_REQUEST, "bad body", true);
    assertEquals(400, malformed.status());
    assertEquals("application/problem+json", malformed.contentType());
    assertEquals("MALFORMED_REQUEST", json(malformed).getString("code"));
    assertEquals("bad body", json(malformed).getString("detail"));
    assertEquals(401, adapter.refusal(Refusal.UNAUTHENTICATED, null, true).status());
    TelcoResponse notEnabled = adapter.refusal(Refusal.PROVIDER_NOT_ENABLED, null, true);
    assertEquals(403, notEnabled.status());
    assertEquals(Refusal.PROVIDER_NOT_ENABLED.message(), json(notEnabled).getString("detail"));
    for (Refusal other : new Refusal[] {
      Refusal.DEVICE_NOT_FOUND,
      Refusal.INVALID_AMOUNT,
      Refusal.WRONG_CURRENCY,
      Refusal.AMOUNT_BELOW_MINIMUM,
      Refusal.DUPLICATE_TRANSACTION
    }) {
      assertEquals(200, adapter.refusal(other, "x", true).status());
      assertEquals(new JsonObject(), json(adapter.refusal(other, "x", true)));
    }
  }

  static JsonObject json(TelcoResponse response) {
    return new JsonObject(new String(response.body(), StandardCharsets.UTF_8));
  }
}
