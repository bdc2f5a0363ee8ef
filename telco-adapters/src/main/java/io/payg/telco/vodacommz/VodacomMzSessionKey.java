package io.payg.telco.vodacommz;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Cipher;

/**
 * The M-Pesa Open API bearer token: the API key encrypted with the portal's RSA public key
 * (PKCS#1 v1.5 padding), Base64-encoded; sent as {@code Authorization: Bearer <token>}. No token
 * endpoint and no expiry: one token per (public key, API key) is kept, so the RSA step runs once.
 */
public final class VodacomMzSessionKey {

  private final ConcurrentHashMap<String, String> tokens = new ConcurrentHashMap<>();

  /** The bearer token; {@link IllegalArgumentException} when the public key cannot be read. */
  public String bearer(String publicKeyBase64, String apiKey) {
    return tokens.computeIfAbsent(
        publicKeyBase64 + '\n' + apiKey, k -> encrypt(publicKeyBase64, apiKey));
  }

  static String encrypt(String publicKeyBase64, String apiKey) {
    try {
      byte[] der = Base64.getMimeDecoder().decode(strip(publicKeyBase64));
      PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
      Cipher rsa = Cipher.getInstance("RSA/ECB/PKCS1Padding");
      rsa.init(Cipher.ENCRYPT_MODE, key);
      return Base64.getEncoder()
          .encodeToString(rsa.doFinal(apiKey.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("publicKey is not an RSA public key (Base64 X.509)", e);
    }
  }

  /** The portal shows the key as bare Base64; PEM armour is tolerated. */
  private static String strip(String key) {
    return key.replace("-----BEGIN PUBLIC KEY-----", "")
        .replace("-----END PUBLIC KEY-----", "")
        .replaceAll("\\s", "");
  }
}
