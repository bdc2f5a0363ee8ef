package io.payg.telco.airtel;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Locale;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

/**
 * Airtel's "message signing" of v2 write calls ({@code POST /merchant/v2/payments/}): the body is
 * encrypted with a fresh AES-256 key and IV, and the key and IV are encrypted with Airtel's RSA
 * public key (the one shown in the application's page of Airtel's portal, "encryption keys").
 * <pre>
 * x-signature = Base64(AES-256-CBC/PKCS#7(key, iv, the exact body bytes sent))
 * x-key       = Base64(RSA(Airtel public key, Base64(key) + ":" + Base64(iv)))
 * </pre>
 * Sources: Airtel's Collection API "USSD Push" v2 ({@code https://developers.airtel.africa/documentation},
 * copied in fredpatch/ono_ticketr_server:services/airtelmoney/documentations.md: headers
 * {@code x-signature}, {@code x-key} on {@code /merchant/v2/payments/}, "older versions may be
 * deprecated at any time"); the airtelmoney-ug client (https://pypi.org/project/airtelmoney-py/:
 * "AES-256-CBC payload + RSA-encrypted key/IV", "encryption-key fetching"); global-121/121-platform
 * :services/121-service/src/payments/fsp-integration/airtel/src/message_signing.ts (a worked example
 * of the payload step: key {@code PSw37x…LIM=}, iv {@code gGIhDv…Mnw==} and the expected
 * x-signature, reproduced byte for byte by {@code AirtelMessageSigningTest}) and
 * …/airtel/src/encrypt_key_and_iv.ts ({@code key:iv}, RSA-encrypted).
 *
 * <p><b>Unconfirmed:</b> the RSA padding. Airtel's PIN encryption uses PKCS#1 v1.5
 * (…/airtel/services/airtel.encryption.service.ts: {@code RSA_PKCS1_PADDING}), which is the default
 * here; the 121 proof of concept encrypts {@code key:iv} with OAEP. The {@code signingRsaPadding}
 * setting chooses ({@code PKCS1} or {@code OAEP}, OAEP with SHA-256 and MGF1-SHA-256); the
 * simulator accepts both.
 */
public final class AirtelMessageSigning {

  /** The headers of a signed call. */
  public record Signature(String xSignature, String xKey) {}

  public enum Padding {
    PKCS1,
    OAEP;

    static Padding of(String setting) {
      if (setting == null || setting.isBlank()) {
        return PKCS1;
      }
      try {
        return valueOf(setting.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "airtel setting signingRsaPadding must be PKCS1 or OAEP");
      }
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  private AirtelMessageSigning() {}

  /** Signs {@code body} (the exact bytes that will be sent) with a fresh key and IV. */
  public static Signature sign(byte[] body, PublicKey airtelKey, Padding padding) {
    byte[] key = new byte[32];
    byte[] iv = new byte[16];
    RANDOM.nextBytes(key);
    RANDOM.nextBytes(iv);
    return new Signature(
        encryptPayload(body, key, iv), encryptKeyAndIv(key, iv, airtelKey, padding));
  }

  /** Base64(AES-256-CBC with PKCS#7 padding) of the body: the {@code x-signature} header. */
  public static String encryptPayload(byte[] body, byte[] key, byte[] iv) {
    try {
      Cipher aes =
          Cipher.getInstance("AES/CBC/PKCS5Padding"); // PKCS5Padding in the JCE is PKCS#7 for AES
      aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
      return Base64.getEncoder().encodeToString(aes.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Base64(RSA(Base64(key) + ":" + Base64(iv))): the {@code x-key} header. */
  static String encryptKeyAndIv(byte[] key, byte[] iv, PublicKey airtelKey, Padding padding) {
    String keyIv =
        Base64.getEncoder().encodeToString(key) + ":" + Base64.getEncoder().encodeToString(iv);
    try {
      Cipher rsa = rsa(padding);
      if (padding == Padding.OAEP) {
        rsa.init(Cipher.ENCRYPT_MODE, airtelKey, oaep());
      } else {
        rsa.init(Cipher.ENCRYPT_MODE, airtelKey);
      }
      return Base64.getEncoder()
          .encodeToString(rsa.doFinal(keyIv.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The body a signed call carried, or null when the headers do not decrypt to it (the receiving
   * side: used by {@code simulator.AirtelSimulator}). Tries both paddings.
   */
  public static byte[] open(String xSignature, String xKey, PrivateKey key) {
    if (xSignature == null || xKey == null) {
      return null;
    }
    for (Padding padding : Padding.values()) {
      try {
        Cipher rsa = rsa(padding);
        if (padding == Padding.OAEP) {
          rsa.init(Cipher.DECRYPT_MODE, key, oaep());
        } else {
          rsa.init(Cipher.DECRYPT_MODE, key);
        }
        String keyIv = new String(
            rsa.doFinal(Base64.getDecoder().decode(xKey.trim())), StandardCharsets.US_ASCII);
        int colon = keyIv.indexOf(':');
        if (colon < 0) {
          continue;
        }
        byte[] aesKey = Base64.getDecoder().decode(keyIv.substring(0, colon));
        byte[] iv = Base64.getDecoder().decode(keyIv.substring(colon + 1));
        Cipher aes = Cipher.getInstance("AES/CBC/PKCS5Padding");
        aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(aesKey, "AES"), new IvParameterSpec(iv));
        return aes.doFinal(Base64.getDecoder().decode(xSignature.trim()));
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        // the other padding, or not a signature at all
      }
    }
    return null;
  }

  /**
   * Airtel's public key as the portal shows it: Base64 of the X.509 SubjectPublicKeyInfo, with or
   * without the PEM armour and line breaks.
   */
  public static PublicKey publicKey(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(
          "airtel setting signingPublicKey is required with apiVersion v2");
    }
    String base64 = text.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", "");
    try {
      return KeyFactory.getInstance("RSA")
          .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "airtel setting signingPublicKey is not a Base64 RSA public key");
    }
  }

  private static Cipher rsa(Padding padding) throws GeneralSecurityException {
    return Cipher.getInstance(
        padding == Padding.OAEP ? "RSA/ECB/OAEPPadding" : "RSA/ECB/PKCS1Padding");
  }

  private static OAEPParameterSpec oaep() {
    return new OAEPParameterSpec(
        "SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);
  }
}
