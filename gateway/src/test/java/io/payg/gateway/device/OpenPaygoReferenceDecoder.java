package io.payg.gateway.device;

import java.util.HexFormat;

/**
 * The device side of OpenPAYGO Token, written for the tests from the reference decoder
 * (EnAccess/OpenPAYGO-python: openpaygo/token_decode.py get_activation_value_count_and_type_from_token,
 * openpaygo/token_shared.py generate_next_token) with its own SipHash-2-4, so a token the gateway
 * issues is checked by code that shares nothing with the gateway's generator. Standard tokens
 * (9 digits) only. Checked against the 80 official vectors in {@code OpenPaygoDecoderTest}.
 */
public final class OpenPaygoReferenceDecoder {

  /** What a device makes of a token: the value (998 PAYG off, 999 counter sync), the count and its type. */
  public record Decoded(int value, int count, String type) {}

  static final int MAX_TOKEN_JUMP = 64; // token_decode.py
  static final int MAX_TOKEN_JUMP_COUNTER_SYNC = 100;

  private OpenPaygoReferenceDecoder() {}

  /** Null when the device refuses the token (no count above {@code lastCount} within the jump window). */
  public static Decoded decode(String token, long startingCode, String keyHex, int lastCount) {
    byte[] key = HexFormat.of().parseHex(keyHex);
    long code = Long.parseLong(token);
    int tokenBase = (int) (code % 1000);
    int startingBase = (int) (startingCode % 1000);
    int value =
        tokenBase >= startingBase ? tokenBase - startingBase : tokenBase + 1000 - startingBase;
    long current = startingCode - startingCode % 1000 + tokenBase;
    int maxTry = lastCount + (value == 999 ? MAX_TOKEN_JUMP_COUNTER_SYNC : MAX_TOKEN_JUMP);
    for (int count = 0; count <= maxTry; count++) {
      long masked = current - current % 1000 + tokenBase;
      if (masked == code && count > lastCount) {
        String type = value == 998
            ? "DISABLE_PAYG"
            : value == 999 ? "COUNTER_SYNC" : count % 2 == 0 ? "ADD_TIME" : "SET_TIME";
        return new Decoded(value, count, type);
      }
      current = next(current, key);
    }
    return null;
  }

  /** generate_next_token: the 32-bit code twice, big-endian, hashed; halves XORed; top 30 bits, below 10^9. */
  static long next(long code, byte[] key) {
    byte[] m = new byte[8];
    for (int i = 0; i < 4; i++) {
      m[i] = (byte) (code >>> (24 - 8 * i));
      m[i + 4] = m[i];
    }
    long h = sipHash24(key, m);
    long folded = ((h >>> 32) ^ h) & 0xffffffffL;
    long top30 = folded >>> 2;
    return top30 > 999_999_999L ? top30 - 73_741_825L : top30;
  }

  /** SipHash-2-4 (Aumasson and Bernstein, https://www.aumasson.jp/siphash/siphash.pdf). */
  static long sipHash24(byte[] key, byte[] msg) {
    long k0 = le(key, 0, 8);
    long k1 = le(key, 8, 8);
    long[] v = {
      0x736f6d6570736575L ^ k0,
      0x646f72616e646f6dL ^ k1,
      0x6c7967656e657261L ^ k0,
      0x7465646279746573L ^ k1
    };
    int end = msg.length - msg.length % 8;
    for (int i = 0; i < end; i += 8) {
      long mi = le(msg, i, 8);
      v[3] ^= mi;
      round(v);
      round(v);
      v[0] ^= mi;
    }
    long b = ((long) msg.length) << 56 | le(msg, end, msg.length % 8);
    v[3] ^= b;
    round(v);
    round(v);
    v[0] ^= b;
    v[2] ^= 0xff;
    for (int i = 0; i < 4; i++) {
      round(v);
    }
    return v[0] ^ v[1] ^ v[2] ^ v[3];
  }

  private static void round(long[] v) {
    v[0] += v[1];
    v[1] = Long.rotateLeft(v[1], 13);
    v[1] ^= v[0];
    v[0] = Long.rotateLeft(v[0], 32);
    v[2] += v[3];
    v[3] = Long.rotateLeft(v[3], 16);
    v[3] ^= v[2];
    v[0] += v[3];
    v[3] = Long.rotateLeft(v[3], 21);
    v[3] ^= v[0];
    v[2] += v[1];
    v[1] = Long.rotateLeft(v[1], 17);
    v[1] ^= v[2];
    v[2] = Long.rotateLeft(v[2], 32);
  }

  private static long le(byte[] b, int off, int len) {
    long r = 0;
    for (int i = 0; i < len; i++) {
      r |= (b[off + i] & 0xffL) << (8 * i);
    }
    return r;
  }
}
