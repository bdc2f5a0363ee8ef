-- The provider call a job came from, kept with the job: its request id (on the job's log lines,
-- so one payment's lines are followed by it from the telco call to the SMS) and its W3C
-- traceparent (https://www.w3.org/TR/trace-context/#traceparent-header), whose trace id the
-- manufacturer call carries on every attempt, a recovery claim's included. Null for jobs written
-- before this version and for kinds with no provider call behind them (webhooks, reminders).
-- Nullable columns without a default: a catalog change only, no table rewrite.
ALTER TABLE outbox ADD COLUMN request_id text, ADD COLUMN traceparent text;
