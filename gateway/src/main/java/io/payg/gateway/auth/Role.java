package io.payg.gateway.auth;

/** ADMIN: everything incl. plugins and users. OPERATOR: customers, devices, tariffs, sales,
 * transactions. AGENT: their own customers, cash payments, sales, tickets. */
public enum Role {
  ADMIN,
  OPERATOR,
  AGENT
}
