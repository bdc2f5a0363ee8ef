package io.payg.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The validator enforces what the document says and nothing of its own: a constraint taken out
 * of openapi.json is no longer enforced (the contract is the one source), and a refusal names the
 * field by its dotted name and JSON pointer.
 */
class ContractValidationTest {

  static Vertx vertx;
  static JsonObject doc;

  @BeforeAll
  static void read() throws Exception {
    vertx = Vertx.vertx();
    try (InputStream in = ContractValidationTest.class.getResourceAsStream("/openapi.json")) {
      doc = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @AfterAll
  static void close() {
    vertx.close().await();
  }

  private static ValidatableRequest agentCash(String body) {
    return new ValidatableRequestImpl(
        Map.of(),
        Map.of("Idempotency-Key", new RequestParameterImpl("agent-7-0001")),
        Map.of(),
        Map.of(),
        new RequestParameterImpl(Buffer.buffer(body)),
        "application/json");
  }

  @Test
  void aConstraintRemovedFromTheContractIsNoLongerEnforced() {
    String zero = "{\"serial\":\"47000123456\",\"amount\":0,\"currency\":\"KES\"}";
    ContractValidation asShipped = ContractValidation.load(vertx, doc).await();
    Operation op = asShipped.operation("/api/v1/agent/payments", HttpMethod.POST);
    SchemaValidationException refused = assertThrows(
        SchemaValidationException.class,
        () -> asShipped.validate(agentCash(zero), op).await());
    ContractValidation.Refusal r = ContractValidation.bodyRefusal(refused.getOutputUnit());
    assertEquals("/amount", r.pointer());
    assertEquals("'amount' is invalid: 0 is less than 1", r.detail());

    JsonObject loosened = doc.copy();
    loosened
        .getJsonObject("paths")
        .getJsonObject("/api/v1/agent/payments")
        .getJsonObject("post")
        .getJsonObject("requestBody")
        .getJsonObject("content")
        .getJsonObject("application/json")
        .getJsonObject("schema")
        .getJsonObject("properties")
        .getJsonObject("amount")
        .remove("minimum");
    ContractValidation withoutMinimum = ContractValidation.load(vertx, loosened).await();
    withoutMinimum
        .validate(
            agentCash(zero), withoutMinimum.operation("/api/v1/agent/payments", HttpMethod.POST))
        .await(); // passes: nothing in the Java side of the validator knows "minimum 1"
  }

  @Test
  void aMissingNestedFieldIsNamedByItsPath() {
    ContractValidation validation = ContractValidation.load(vertx, doc).await();
    Operation op = validation.operation(
        "/api/v1/customers/00000000-0000-0000-0000-000000000001/devices", HttpMethod.POST);
    ValidatableRequest request = new ValidatableRequestImpl(
        Map.of(),
        Map.of(),
        Map.of("id", new RequestParameterImpl("00000000-0000-0000-0000-000000000001")),
        Map.of(),
        new RequestParameterImpl(
            Buffer.buffer(
                "{\"serial\":\"4\",\"type\":\"SHS\",\"manufacturer\":\"x\",\"sale\":{\"period\":\"NOPE\"}}")),
        "application/json");
    SchemaValidationException refused = assertThrows(
        SchemaValidationException.class, () -> validation.validate(request, op).await());
    ContractValidation.Refusal r = ContractValidation.bodyRefusal(refused.getOutputUnit());
    assertEquals("/sale/applianceId", r.pointer());
    assertEquals("'sale.applianceId' is required", r.detail());
  }
}
