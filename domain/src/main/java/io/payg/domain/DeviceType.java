package io.payg.domain;

/** What a device is: a mini-grid prepaid meter, a solar home system or an e-bike. */
public enum DeviceType {
  METER,
  SHS,
  EBIKE;

  /** Meters buy energy (kWh); SHS and e-bikes buy days of use. */
  public boolean buysEnergy() {
    return this == METER;
  }
}
