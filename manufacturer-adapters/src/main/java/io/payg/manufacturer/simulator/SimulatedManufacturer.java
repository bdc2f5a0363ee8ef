package io.payg.manufacturer.simulator;

import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What every manufacturer simulator shares on top of {@link SimulatedPeer}: the settings that
 * point its issuer at it, serials it refuses from now on, and the record of every vend it made
 * (what the shared {@code TokenIssuerContractTest} steers and reads).
 *
 * @param <S> the simulator itself, so the knobs chain
 * @param <V> the simulator's record of one vend
 */
public abstract class SimulatedManufacturer<
        S extends SimulatedManufacturer<S, V>, V extends SimulatedManufacturer.Vended>
    extends SimulatedPeer<S> {

  /** One vend as every manufacturer's record has it: the device's serial and the token. */
  public interface Vended {
    String serial();

    String token();
  }

  private final Set<String> rejectedSerials = ConcurrentHashMap.newKeySet();
  private final List<V> vends = new CopyOnWriteArrayList<>();

  protected SimulatedManufacturer(Vertx vertx) {
    super(vertx);
  }

  /** Issuer settings (base URL and credentials) that this simulator accepts. */
  public abstract Map<String, String> settings();

  /** This serial is unknown to the manufacturer from now on. */
  public S rejectSerial(String serial) {
    rejectedSerials.add(serial);
    return self();
  }

  /**
   * The manufacturer knows this serial, as an operator would have set it up there; nothing to do
   * for manufacturers that know every serial.
   */
  public S register(String serial) {
    return self();
  }

  /** Every vend made so far, oldest first. */
  public List<V> vends() {
    return List.copyOf(vends);
  }

  protected boolean rejects(String serial) {
    return rejectedSerials.contains(serial);
  }

  protected void recordVend(V vend) {
    vends.add(vend);
  }
}
