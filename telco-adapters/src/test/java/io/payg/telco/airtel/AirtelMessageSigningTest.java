package io.payg.telco.airtel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class AirtelMessageSigningTest {

  /**
   * The published worked example of the payload step: key, iv, payload and the expected
   * x-signature of
   * global-121/121-platform:services/121-service/src/payments/fsp-integration/airtel/src/message_signing.ts.
   */
  @Test
  void thePublishedExampleIsReproducedByteForByte() {
    String payload =
        "{\"reference\":\"1234\",\"subscriber\":{\"country\":\"UG\",\"currency\":\"UGX\",\"msisdn\":\"752604392\"},"
            + "\"transaction\":{\"amount\":\"100\",\"country\":\"UG\",\"currency\":\"UGX\",\"id\":\"test_id \"}}";
    byte[] key = Base64.getDecoder().decode("PSw37xtnShLl7zgWn4dLSnf1J5GRhRsOD4OfvJOuLIM=");
    byte[] iv = Base64.getDecoder().decode("gGIhDvCBnSBhBgYiXCyMnw==");
    assertEquals(
        "bDOsVGZzbK0P5jO/M5QVMH/qxSmRJLEvIPZCdW6H81xvsZNI6jZej54oBQlHZ38yy63QNeyyYcfEkGJ8f3f15wHWs86V9BCIpHSesS3Srh"
            + "ozE/gGA1fLydeSS26mw0jhyt9XIpabk1RjDH59SfsrkHKU38I5mRlthG/t2qXJck0FhNR64bgOEx"
            + "m9CsuxUlfpsSoW1g81g1u5a4yMFIHhp77f"
            + "+h3EXNHzcEsdSWhqTho=",
        AirtelMessageSigning.encryptPayload(payload.getBytes(StandardCharsets.UTF_8), key, iv));
  }

  @Test
  void aSignatureOpensWithTheKeyPairOnlyAndOnlyToTheBodySigned() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair airtel = generator.generateKeyPair();
    KeyPair other = generator.generateKeyPair();
    byte[] body = "{\"transaction\":{\"amount\":5000}}".getBytes(StandardCharsets.UTF_8);
    for (AirtelMessageSigning.Padding padding : AirtelMessageSigning.Padding.values()) {
      AirtelMessageSigning.Signature s =
          AirtelMessageSigning.sign(body, airtel.getPublic(), padding);
      assertArrayEquals(
          body, AirtelMessageSigning.open(s.xSignature(), s.xKey(), airtel.getPrivate()));
      assertNull(AirtelMessageSigning.open(s.xSignature(), s.xKey(), other.getPrivate()));
    }
    String portalKey = Base64.getEncoder().encodeToString(airtel.getPublic().getEncoded());
    assertEquals(airtel.getPublic(), AirtelMessageSigning.publicKey(portalKey));
    assertEquals(
        airtel.getPublic(),
        AirtelMessageSigning.publicKey("-----BEGIN PUBLIC KEY-----\n"
            + portalKey.replaceAll("(.{64})", "$1\n") + "\n-----END PUBLIC KEY-----"));
  }
}
