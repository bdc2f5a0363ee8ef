package io.payg.domain.port;

import io.payg.domain.Money;
import io.payg.domain.payment.PaymentCommand;
import io.payg.domain.payment.PaymentQuery;
import io.payg.domain.payment.Refusal;
import java.util.Map;
import java.util.Objects;

/**
 * A provider call decoded into the gateway's canonical language. {@code echo} holds the request's
 * own ids that the provider wants back in the answer (Vodacom's conversationID...); empty for
 * most providers, and handed back unchanged to the adapter's answer methods.
 */
public sealed interface TelcoCall {

  /** What to echo in the answer; empty unless the provider asks for it. */
  default Map<String, String> echo() {
    return Map.of();
  }

  /** "May this serial be paid this amount?" */
  record Validate(PaymentQuery query, Map<String, String> echo) implements TelcoCall {
    public Validate {
      echo = Map.copyOf(echo);
    }

    public Validate(PaymentQuery query) {
      this(query, Map.of());
    }
  }

  /** "The money arrived." */
  record Process(PaymentCommand command, Map<String, String> echo) implements TelcoCall {
    public Process {
      echo = Map.copyOf(echo);
    }

    public Process(PaymentCommand command) {
      this(command, Map.of());
    }
  }

  /**
   * A provider's callback on a request-to-pay the gateway started: the collection
   * {@code reference} (ours) is now {@code status}. Succeeded collections become a process
   * command for the collection's serial and amount, idempotent on the reference.
   * {@code movedMoney} (optional) is what the callback itself says moved: kept as a flagged
   * unmatched payment when no collection has {@code reference} (Safaricom STK); null for most.
   */
  record CollectionUpdate(String reference, CollectionStatus status, PaymentCommand movedMoney)
      implements TelcoCall {

    public CollectionUpdate(String reference, CollectionStatus status) {
      this(reference, status, null);
    }
  }

  /**
   * The message says money already moved, but it cannot be booked as it is: an empty account
   * reference, or a failed authentication rule that may be wrong (a source address not on the
   * allow-list, a password variant). The gateway keeps it as an unmatched payment, once per
   * provider id; {@code authenticated = false} flags it (never booked without an operator's
   * explicit decision) and is answered with the refusal, otherwise the provider is acknowledged.
   * {@code amountUnreadable}: the provider's amount could not be read (an authentic confirmation
   * with TransAmount "12,0x"): the command's amount is then a zero of the currency, never booked,
   * and the row is kept without an amount (reason AMOUNT_UNREADABLE) for an operator to state it.
   */
  record Unbookable(
      PaymentCommand command,
      Refusal refusal,
      String detail,
      boolean authenticated,
      boolean processCall,
      Map<String, String> echo,
      boolean amountUnreadable)
      implements TelcoCall {
    public Unbookable {
      echo = Map.copyOf(echo);
    }

    public Unbookable(
        PaymentCommand command,
        Refusal refusal,
        String detail,
        boolean authenticated,
        boolean processCall,
        Map<String, String> echo) {
      this(command, refusal, detail, authenticated, processCall, echo, false);
    }

    /** Money that moved in an amount nobody can read: kept for an operator, acknowledged. */
    public static Unbookable amountUnreadable(
        PaymentCommand command, String detail, Map<String, String> echo) {
      return new Unbookable(command, Refusal.INVALID_AMOUNT, detail, true, true, echo, true);
    }

    public Unbookable(
        PaymentCommand command, Refusal refusal, String detail, boolean authenticated) {
      this(command, refusal, detail, authenticated, true, Map.of());
    }
  }

  /**
   * The provider reversed one of its payments (the money went back to the payer), e.g. Wave's
   * reversal event: the transaction booked for {@code providerTxnId} is reversed (source
   * PROVIDER), or the unmatched payment kept for it is marked reversed; once per provider id.
   */
  record Reversal(String providerTxnId, String reason, Map<String, String> echo)
      implements TelcoCall {
    public Reversal {
      Objects.requireNonNull(providerTxnId, "providerTxnId");
      echo = Map.copyOf(echo);
    }
  }

  /**
   * A provider's asynchronous answer to a status query the gateway made about a moved-money
   * message it holds ({@link PaymentStatusQuery}; Daraja's Transaction Status result).
   *
   * @param queryId       the provider's id of the query (Daraja's OriginatorConversationID)
   * @param providerTxnId the transaction the answer is about (Daraja's ReceiptNo), null when it names none
   * @param answered      false when the provider only says the query timed out: ask again
   * @param confirmed     the provider confirms the money moved (completed)
   * @param amount        the amount it reports, null when none
   * @param detail        the provider's result code and description, for an operator
   */
  record PaymentStatus(
      String queryId,
      String providerTxnId,
      boolean answered,
      boolean confirmed,
      Money amount,
      String detail)
      implements TelcoCall {}

  /** The call cannot be taken: bad credentials, unreadable body, ... Nothing is stored. */
  record Rejected(Refusal refusal, String detail, boolean processCall, Map<String, String> echo)
      implements TelcoCall {
    public Rejected {
      echo = Map.copyOf(echo);
    }

    public Rejected(Refusal refusal, String detail, boolean processCall) {
      this(refusal, detail, processCall, Map.of());
    }
  }
}
