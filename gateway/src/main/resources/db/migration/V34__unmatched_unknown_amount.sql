-- Money a provider says moved whose amount cannot be read (an authenticated confirmation with
-- TransAmount "12,0x", a request-to-pay SUCCESSFUL with an unreadable amount) is still kept, with
-- its amount NULL (unknown, never a made-up 0) and the reason AMOUNT_UNREADABLE. The books sum what
-- is known and count what is not; an operator who assigns such a row states the amount.
ALTER TABLE unmatched_payments ALTER COLUMN amount DROP NOT NULL;
