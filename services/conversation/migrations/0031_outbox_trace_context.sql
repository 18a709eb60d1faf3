-- The W3C trace context (traceparent) of the change an outbox row describes, so the relay
-- publishes its event as part of that trace and the consumers continue it.
ALTER TABLE outbox ADD COLUMN trace_context text;
