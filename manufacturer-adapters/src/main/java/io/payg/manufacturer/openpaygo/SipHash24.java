package io.payg.manufacturer.openpaygo;

/**
 * SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012) with a 128-bit
 * key, returning the 64-bit result as a {@code long}. Keys and message blocks are read
 * little-endian, as the paper specifies.
 */
final class SipHash24 {

  private SipHash24() {}

  static long hash(byte[] key, byte[] message) {
    if (key.length != 16) {
      throw new IllegalArgumentException("SipHash key must be 16 bytes");
    }
    long k0 = readLittleEndian(key, 0, 8);
    long k1 = readLittleEndian(key, 8, 8);
    long[] v = {
      k0 ^ 0x736f6d6570736575L,
      k1 ^ 0x646f72616e646f6dL,
      k0 ^ 0x6c7967656e657261L,
      k1 ^ 0x7465646279746573L,
    };

    int fullBlocksEnd = message.length - (message.length % 8);
    for (int offset = 0; offset < fullBlocksEnd; offset += 8) {
      compress(v, readLittleEndian(message, offset, 8));
    }
    long last = ((long) message.length & 0xff) << 56
        | readLittleEndian(message, fullBlocksEnd, message.length - fullBlocksEnd);
    compress(v, last);

    v[2] ^= 0xff;
    for (int i = 0; i < 4; i++) {
      round(v);
    }
    return v[0] ^ v[1] ^ v[2] ^ v[3];
  }

  private static void compress(long[] v, long m) {
    v[3] ^= m;
    round(v);
    round(v);
    v[0] ^= m;
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

  private static long readLittleEndian(byte[] bytes, int offset, int length) {
    long result = 0;
    for (int i = length - 1; i >= 0; i--) {
      result = (result << 8) | (bytes[offset + i] & 0xffL);
    }
    return result;
  }
}
