package io.payg.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The contract as shipped in the jar passes swagger-parser's OpenAPI 3 validation (the parser
 * behind swagger-editor's messages): structure, types, $refs that resolve, parameters, schemas.
 */
class OpenApiLintTest {

  @Test
  void theContractValidatesCleanly() throws IOException {
    String json;
    try (InputStream in = OpenApiLintTest.class.getResourceAsStream("/openapi.json")) {
      assertNotNull(in, "openapi.json is on the classpath");
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    options.setValidateInternalRefs(true);
    SwaggerParseResult result = new OpenAPIParser().readContents(json, null, options);
    assertNotNull(result.getOpenAPI(), "the document parses");
    List<String> messages = result.getMessages() == null ? List.of() : result.getMessages();
    assertEquals(List.of(), messages, "validation messages");
  }

  @Test
  void theLinterCatchesABrokenDocument() {
    // a dangling $ref and an unknown member must be reported, or the clean result above means
    // nothing
    String broken = """
        {"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/x":{"get":{"operationId":"x",
          "responses":{"200":{"description":"OK","content":{"application/json":{"schema":
          {"$ref":"#/components/schemas/Missing"}}}}},"colour":"red"}}}}
        """;
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    options.setValidateInternalRefs(true);
    SwaggerParseResult result = new OpenAPIParser().readContents(broken, null, options);
    List<String> messages = result.getMessages();
    assertEquals(true, messages != null && messages.size() >= 2, String.valueOf(messages));
  }
}
