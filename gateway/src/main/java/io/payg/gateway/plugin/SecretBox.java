package io.payg.gateway.plugin;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Plugin secrets at rest: AES-256-GCM (JDK) with the key from {@code SECRETS_KEY}, a fresh
 * 96-bit nonce per value, stored as {@code enc:v1:<base64(nonce | ciphertext+tag)>}. A database
 * dump or backup holds no usable credential; the gateway decrypts only when it uses one.
 */
public final class SecretBox {

  static final String PREFIX = "enc:v1:";
  private static final int NONCE_BYTES = 12;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;

  /** @param base64Key 32 bytes, base64 */
  public SecretBox(String base64Key) {
    byte[] k;
    try {
      k = Base64.getDecoder().decode(base64Key.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("SECRETS_KEY must be 32 bytes in base64");
    }
    if (k.length != 32) {
      throw new IllegalStateException("SECRETS_KEY must be 32 bytes in base64 (got " + k.length + " bytes)");
    }
    this.key = new SecretKeySpec(k, "AES");
  }

  public String seal(String plain) {
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      RANDOM.nextBytes(nonce);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
      byte[] sealed = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
      return PREFIX + Base64.getEncoder().encodeToString(ByteBuffer.allocate(nonce.length + sealed.length)
          .put(nonce).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not encrypt a secret", e);
    }
  }

  /** The plain value; a value not sealed (written before encryption) is returned as is. */
  public String open(String stored) {
    if (stored == null || !stored.startsWith(PREFIX)) {
      return stored;
    }
    try {
      byte[] all = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, all, 0, NONCE_BYTES));
      return new String(c.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      // wrong SECRETS_KEY or a tampered value: the plugin cannot authenticate, it does not crash
      throw new IllegalStateException("a plugin secret cannot be decrypted with this SECRETS_KEY");
    }
  }
}
