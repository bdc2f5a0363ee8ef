package io.payg.gateway.webhook;

import java.util.List;

/**
 * The events an operator's system may subscribe to, and the SQL that queues one in the same
 * statement as the event itself: a delivery row (its id is the event id) and a WEBHOOK outbox job,
 * only for a company whose enabled endpoint subscribed to that type.
 */
public final class WebhookEvents {

  public static final String PAYMENT_RECORDED = "payment.recorded";
  public static final String TOKEN_ISSUED = "token.issued";
  public static final String TOKEN_FAILED = "token.failed";
  public static final String UNMATCHED_CREATED = "unmatched.created";
  public static final String REVERSAL_RECORDED = "reversal.recorded";
  public static final List<String> TYPES =
      List.of(PAYMENT_RECORDED, TOKEN_ISSUED, TOKEN_FAILED, UNMATCHED_CREATED, REVERSAL_RECORDED);

  private WebhookEvents() {}

  /**
   * Two CTEs ({@code <name>_e}, {@code <name>_o}) to append to a statement's WITH list: one event of
   * {@code type} per row of {@code from} (a CTE of the statement, or a FROM clause), with
   * {@code companyExpr} the company and {@code dataExpr} a json(b) object built from those rows.
   * The type is a constant of this class, never caller input.
   */
  public static String enqueue(
      String name, String type, String from, String companyExpr, String dataExpr) {
    if (!TYPES.contains(type)) {
      throw new IllegalArgumentException("not a webhook event type: " + type);
    }
    return """
        %1$s_e AS (
          INSERT INTO webhook_deliveries (id, company_id, event_type, data)
          SELECT gen_random_uuid(), w.company_id, '%2$s', (%5$s)::jsonb
            FROM %3$s
            JOIN webhook_endpoints w ON w.company_id = %4$s AND w.enabled AND '%2$s' = ANY (w.events)
          RETURNING id, company_id),
        %1$s_o AS (
          INSERT INTO outbox (company_id, kind, webhook_delivery_id)
          SELECT company_id, 'WEBHOOK', id FROM %1$s_e)""".formatted(name, type, from, companyExpr, dataExpr);
  }
}
