package io.payg.gateway.plugin;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Secrets at rest (plugin credentials, OpenPAYGO device keys): AES-256-GCM (JDK), a fresh 96-bit
 * nonce per value, stored as {@code enc:v2:<key id>:<base64(nonce | ciphertext+tag)>}.
 *
 * <p>The associated data is where the value belongs ({@link #pluginSetting}, {@link #deviceKey}):
 * a ciphertext copied into another tenant's row, another plugin or another setting does not
 * decrypt. The key id says which key sealed it, so {@code SECRETS_KEY} can be rotated:
 * the new key in {@code SECRETS_KEY}, the old one in {@code SECRETS_KEY_PREVIOUS}, then
 * {@code --reencrypt-secrets}. Values of the first format ({@code enc:v1:}, no associated data)
 * are still read, and re-sealed by that command.
 */
public final class SecretBox {

  static final String PREFIX = "enc:v2:";
  static final String LEGACY_PREFIX = "enc:v1:";
  private static final int NONCE_BYTES = 12;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String currentId;
  /** Key id → key; the current key first. */
  private final Map<String, SecretKeySpec> keys = new LinkedHashMap<>();

  /** @param base64Key 32 bytes, base64 ({@code SECRETS_KEY}); {@code previousBase64Key} may be null or blank */
  public SecretBox(String base64Key, String previousBase64Key) {
    SecretKeySpec current = key("SECRETS_KEY", base64Key);
    currentId = keyId(current);
    keys.put(currentId, current);
    if (previousBase64Key != null && !previousBase64Key.isBlank()) {
      SecretKeySpec previous = key("SECRETS_KEY_PREVIOUS", previousBase64Key);
      keys.putIfAbsent(keyId(previous), previous);
    }
  }

  public SecretBox(String base64Key) {
    this(base64Key, null);
  }

  /** Where a plugin setting lives: company, plugin and setting name. */
  public static String pluginSetting(UUID companyId, String plugin, String setting) {
    return "plugin\0" + companyId + "\0" + plugin + "\0" + setting;
  }

  /** Where an OpenPAYGO device key lives: the device. */
  public static String deviceKey(UUID deviceId) {
    return "openpaygo-key\0" + deviceId;
  }

  public static boolean isSealed(String stored) {
    return stored != null && (stored.startsWith(PREFIX) || stored.startsWith(LEGACY_PREFIX));
  }

  public String seal(String plain, String place) {
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      RANDOM.nextBytes(nonce);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, keys.get(currentId), new GCMParameterSpec(128, nonce));
      c.updateAAD(place.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
      return PREFIX + currentId + ":"
          + Base64.getEncoder()
              .encodeToString(ByteBuffer.allocate(nonce.length + sealed.length)
                  .put(nonce)
                  .put(sealed)
                  .array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not encrypt a secret", e);
    }
  }

  /**
   * The plain value of a value sealed for {@code place}; a value never sealed is returned as is.
   *
   * @throws IllegalStateException sealed with a key not configured, for another place, or tampered
   */
  public String open(String stored, String place) {
    if (stored == null || !isSealed(stored)) {
      return stored;
    }
    try {
      if (stored.startsWith(LEGACY_PREFIX)) {
        return decrypt(keys.get(currentId), stored.substring(LEGACY_PREFIX.length()), null);
      }
      String rest = stored.substring(PREFIX.length());
      int colon = rest.indexOf(':');
      SecretKeySpec key = colon < 0 ? null : keys.get(rest.substring(0, colon));
      if (key == null) {
        throw new IllegalStateException(
            "a secret was sealed with a key that is neither SECRETS_KEY nor SECRETS_KEY_PREVIOUS");
      }
      return decrypt(key, rest.substring(colon + 1), place);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      // a value moved from another row, a wrong key or a tampered value: never a crash, never
      // another's secret
      throw new IllegalStateException(
          "a secret cannot be decrypted here (another place, key or a tampered value)");
    }
  }

  /** Whether {@code stored} is sealed in the current format with the current key (else re-seal it). */
  public boolean isCurrent(String stored) {
    return stored != null && stored.startsWith(PREFIX + currentId + ":");
  }

  private static String decrypt(SecretKeySpec key, String base64, String place)
      throws GeneralSecurityException {
    byte[] all = Base64.getDecoder().decode(base64);
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, all, 0, NONCE_BYTES));
    if (place != null) {
      c.updateAAD(place.getBytes(StandardCharsets.UTF_8));
    }
    return new String(
        c.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
  }

  private static SecretKeySpec key(String name, String base64Key) {
    byte[] k;
    try {
      k = Base64.getDecoder().decode(base64Key.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(name + " must be 32 bytes in base64");
    }
    if (k.length != 32) {
      throw new IllegalStateException(
          name + " must be 32 bytes in base64 (got " + k.length + " bytes)");
    }
    return new SecretKeySpec(k, "AES");
  }

  /** A short public name of a key: the first 6 bytes of its SHA-256, base64url. */
  private static String keyId(SecretKeySpec key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
      return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 6));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
