package io.payg.gateway.auth;

import io.payg.gateway.config.AuthSettings;
import io.vertx.ext.auth.PubSecKeyOptions;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key pair that signs and verifies access tokens, checked at start: the PEMs parse, fit
 * the algorithm (P-256 for ES256, RSA ≥ 2048 bits for RS256) and are one pair. Only keys of
 * the configured algorithm are given to Vert.x, so a token claiming another algorithm (none,
 * HS256 "signed" with the public key) finds no key and is refused.
 */
public final class SigningKeys {

  private static final Logger LOG = LoggerFactory.getLogger(SigningKeys.class);

  /** A PEM-encoded pair: PKCS#8 private key, X.509 public key. */
  public record PemPair(String privateKeyPem, String publicKeyPem) {}

  private final String algorithm;
  private final List<PubSecKeyOptions> keys;
  private final int signatureBytes;

  private SigningKeys(String algorithm, List<PubSecKeyOptions> keys, int signatureBytes) {
    this.algorithm = algorithm;
    this.keys = keys;
    this.signatureBytes = signatureBytes;
  }

  /** The length of one signature of this algorithm and key: 32 (HS256), 64 (ES256 R || S), modulus (RS256). */
  public int signatureBytes() {
    return signatureBytes;
  }

  public static SigningKeys from(AuthSettings settings, String hmacSecret, boolean demo) {
    String alg = settings.jwtAlgorithm();
    if ("HS256".equals(alg)) {
      if (!demo) {
        throw new IllegalStateException("HS256 access tokens are allowed in demo mode only");
      }
      LOG.warn(
          "demo mode: access tokens are signed with HS256 (JWT_SECRET); never use this in production");
      return new SigningKeys(
          alg, List.of(new PubSecKeyOptions().setAlgorithm(alg).setBuffer(hmacSecret)), 32);
    }
    PemPair pair = new PemPair(settings.privateKeyPem(), settings.publicKeyPem());
    if (pair.privateKeyPem().isEmpty() || pair.publicKeyPem().isEmpty()) {
      if (!demo || !"ES256".equals(alg)) {
        throw new IllegalStateException(
            "JWT_PRIVATE_KEY and JWT_PUBLIC_KEY are required for " + alg);
      }
      pair = generateEs256();
      LOG.warn(
          "demo mode: signing access tokens with an ephemeral ES256 dev key pair made in memory now;"
              + " tokens die with this process. Production needs JWT_PRIVATE_KEY and JWT_PUBLIC_KEY.");
    }
    PublicKey publicKey = check(alg, pair);
    int signatureBytes =
        publicKey instanceof RSAPublicKey rsa ? (rsa.getModulus().bitLength() + 7) / 8 : 64;
    return new SigningKeys(
        alg,
        List.of(
            new PubSecKeyOptions().setAlgorithm(alg).setBuffer(pair.publicKeyPem()),
            new PubSecKeyOptions().setAlgorithm(alg).setBuffer(pair.privateKeyPem())),
        signatureBytes);
  }

  public String algorithm() {
    return algorithm;
  }

  public List<PubSecKeyOptions> keys() {
    return keys;
  }

  /** A fresh P-256 pair (demo mode, tests). */
  public static PemPair generateEs256() {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
      gen.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      KeyPair kp = gen.generateKeyPair();
      return new PemPair(
          pem("PRIVATE KEY", kp.getPrivate().getEncoded()),
          pem("PUBLIC KEY", kp.getPublic().getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate an ES256 key pair", e);
    }
  }

  private static PublicKey check(String alg, PemPair pair) {
    if (pair.privateKeyPem().contains("BEGIN EC PRIVATE KEY")
        || pair.privateKeyPem().contains("BEGIN RSA PRIVATE KEY")) {
      throw new IllegalStateException(
          "JWT_PRIVATE_KEY must be PKCS#8 (-----BEGIN PRIVATE KEY-----); convert it with"
              + " openssl pkcs8 -topk8 -nocrypt -in old.key -out jwt.key");
    }
    String family = "ES256".equals(alg) ? "EC" : "RSA";
    PrivateKey privateKey;
    PublicKey publicKey;
    try {
      KeyFactory kf = KeyFactory.getInstance(family);
      privateKey =
          kf.generatePrivate(new PKCS8EncodedKeySpec(der(pair.privateKeyPem(), "PRIVATE KEY")));
      publicKey = kf.generatePublic(new X509EncodedKeySpec(der(pair.publicKeyPem(), "PUBLIC KEY")));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException("JWT_PRIVATE_KEY / JWT_PUBLIC_KEY are not " + family
          + " keys in PEM for " + alg + ": " + e.getMessage());
    }
    if (publicKey instanceof ECPublicKey ec
        && ec.getParams().getCurve().getField().getFieldSize() != 256) {
      throw new IllegalStateException("ES256 needs a P-256 (prime256v1) key");
    }
    if (publicKey instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < 2048) {
      throw new IllegalStateException("RS256 needs an RSA key of at least 2048 bits");
    }
    try {
      String jca = "ES256".equals(alg) ? "SHA256withECDSA" : "SHA256withRSA";
      byte[] probe = "payg-gateway key check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(jca);
      signer.initSign(privateKey);
      signer.update(probe);
      byte[] sig = signer.sign();
      Signature verifier = Signature.getInstance(jca);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      if (!verifier.verify(sig)) {
        throw new IllegalStateException("JWT_PRIVATE_KEY and JWT_PUBLIC_KEY are not one key pair");
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JWT keys cannot sign with " + alg + ": " + e.getMessage());
    }
    return publicKey;
  }

  private static byte[] der(String pem, String type) {
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int from = pem.indexOf(begin);
    int to = pem.indexOf(end);
    if (from < 0 || to < from) {
      throw new IllegalArgumentException("expected a PEM block " + begin);
    }
    return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + type
        + "-----";
  }
}
