package io.payg.gateway.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock tests move by hand, for due dates and access-rate periods. */
public final class MutableClock extends Clock {

  private volatile Instant now;

  public MutableClock(LocalDate day) {
    setDay(day);
  }

  public void setDay(LocalDate day) {
    now = day.atTime(12, 0).toInstant(ZoneOffset.UTC);
  }

  public void advance(Duration by) {
    now = now.plus(by);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now;
  }
}
