package io.payg.gateway.simulation;

import io.vertx.core.Future;
import java.util.SplittableRandom;

/**
 * One kind of message the payment simulation sends (a provider confirmation, an operator's
 * assign, a manufacturer fault...). A kind draws everything it decides from {@code random} when
 * {@link #send} is called (on the driver thread), sends over real HTTP, checks each answer it
 * gets against what the gateway promises, and records what must then be on the books in the
 * {@link SimulationWorld}. New kinds (reversals, other providers) are added to
 * {@link PaymentSimulationTest#KINDS}.
 */
interface SimulatedMessage {

  /** The name used in the run's figures. */
  String name();

  /** Relative frequency among the kinds. */
  int weight();

  /** Sends one message or one burst; the future ends once every answer was checked. */
  Future<Void> send(SimulationWorld world, SplittableRandom random);
}
