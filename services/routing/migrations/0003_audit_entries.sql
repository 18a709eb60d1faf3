-- The audit trail of administrative and sensitive acts, written in the transaction of the act.
-- Append-only: no role of the service may change or remove an entry (the trigger refuses
-- UPDATE, DELETE and TRUNCATE for everyone, the table's owner included).
CREATE TABLE audit_entries (
  id            text PRIMARY KEY,
  account_id    text NOT NULL,
  at            timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor_user_id text,
  actor_label   text NOT NULL DEFAULT '',
  ip            text NOT NULL DEFAULT '',
  user_agent    text NOT NULL DEFAULT '',
  action        text NOT NULL,
  target_type   text NOT NULL,
  target_id     text NOT NULL,
  changes       jsonb NOT NULL DEFAULT '{}',
  detail        jsonb NOT NULL DEFAULT '{}'
);

CREATE INDEX audit_entries_account_at ON audit_entries (account_id, at DESC, id DESC);
CREATE INDEX audit_entries_account_actor_at ON audit_entries (account_id, actor_user_id, at DESC, id DESC);

CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit entries are append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_entries_no_change BEFORE UPDATE OR DELETE ON audit_entries
  FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only();
CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
  FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only();
