package io.payg.domain.energy;

/**
 * Converts money into energy for a meter, in tenths of a kWh:
 * {@code tenths = floor(10 x money / pricePerKwh)}. The money that does not buy a whole tenth
 * stays on the meter as credit for its next payment, so no money is lost.
 *
 * <p>When the price of a tenth is not a whole number of minor units (price not a multiple of
 * 10), the energy is charged {@code floor(tenths x price / 10)}: the fraction of a minor unit
 * goes to the customer, and {@code spent + credit == money} holds exactly in the books.
 *
 * @param tenthsOfKwh energy bought
 * @param spent       minor units charged for that energy
 * @param credit      minor units carried to the meter's next payment
 */
public record EnergyPurchase(long tenthsOfKwh, long spent, long credit) {

  /**
   * @param money       minor units available for energy (what is left after debts plus the
   *                    meter's carried credit); must not be negative
   * @param pricePerKwh tariff price in minor units per kWh; must be positive
   */
  public static EnergyPurchase buy(long money, long pricePerKwh) {
    if (money < 0) {
      throw new IllegalArgumentException("money must not be negative");
    }
    if (pricePerKwh <= 0) {
      throw new IllegalArgumentException("price per kWh must be positive");
    }
    long tenths = Math.multiplyExact(money, 10L) / pricePerKwh;
    long spent = Math.multiplyExact(tenths, pricePerKwh) / 10;
    return new EnergyPurchase(tenths, spent, money - spent);
  }
}
