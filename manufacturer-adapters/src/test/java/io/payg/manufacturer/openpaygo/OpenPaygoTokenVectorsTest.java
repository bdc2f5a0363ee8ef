package io.payg.manufacturer.openpaygo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The 80 official OpenPAYGO Token test vectors (EnAccess/OpenPAYGO-python, MIT License; see
 * src/test/resources/openpaygo/SOURCE.md).
 */
class OpenPaygoTokenVectorsTest {

  private static final String VECTORS = "/openpaygo/test_tokens.jsonl";

  static List<String> lines() {
    InputStream in = OpenPaygoTokenVectorsTest.class.getResourceAsStream(VECTORS);
    assertNotNull(in, VECTORS + " missing from the test classpath");
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      return reader.lines().filter(line -> !line.isBlank()).collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Stream<Arguments> vectors() {
    List<String> lines = lines();
    return IntStream.range(0, lines.size())
        .mapToObj(i -> Arguments.of(i + 1, new JsonObject(lines.get(i))));
  }

  @Test
  void fileHoldsAllEightyVectors() {
    assertEquals(80, lines().size());
  }

  @ParameterizedTest(name = "line {0}: {1}")
  @MethodSource("vectors")
  void reproducesVector(int lineNumber, JsonObject vector) {
    OpenPaygoToken.Generated generated = OpenPaygoToken.generate(
        OpenPaygoToken.keyFromHex(vector.getString("key")),
        vector.getLong("starting_code"),
        vector.getInteger("count"),
        OpenPaygoTokenType.valueOf(vector.getString("token_type")),
        vector.getValue("value_raw") == null ? 0L : vector.getLong("value_raw"),
        vector.getBoolean("restricted_digit_set"),
        vector.getBoolean("extended_token"));

    assertEquals(vector.getString("token"), generated.token(), "token, line " + lineNumber);
    assertEquals(
        vector.getInteger("new_count"), generated.newCount(), "new_count, line " + lineNumber);
  }
}
