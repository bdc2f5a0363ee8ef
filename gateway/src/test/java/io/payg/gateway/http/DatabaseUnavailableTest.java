package io.payg.gateway.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Errors;
import io.vertx.core.VertxException;
import java.net.SocketException;
import org.junit.jupiter.api.Test;

/**
 * Which failures under a request mean the database could not be reached (503 to retry) rather than a
 * fault to investigate (500): a connection reset reads differently on the native transport than on NIO.
 */
class DatabaseUnavailableTest {

  @Test
  void aResetConnectionOnTheNativeTransportIsUnavailable() {
    // the exception carries the OS's message, read through the native library
    assumeTrue(Epoll.isAvailable(), "epoll's native library is bundled for Linux x86-64");
    // what epoll raised in faults.sh's postgres scenario: recvAddress(..) failed with error(-104)
    assertTrue(
        Problems.databaseUnavailable(Errors.newConnectionResetException("recvAddress(..)", -104)));
  }

  @Test
  void aResetConnectionOnNioIsUnavailable() {
    assertTrue(Problems.databaseUnavailable(new SocketException("Connection reset")));
    assertTrue(Problems.databaseUnavailable(
        new VertxException("wrapped", new SocketException("Connection reset"))));
  }

  @Test
  void otherFailuresAreNot() {
    assertFalse(Problems.databaseUnavailable(new IllegalStateException("a bug")));
    assertFalse(Problems.databaseUnavailable(new VertxException("something else")));
  }
}
