-- Saved filter combinations: private to their owner, or shared with everyone in the inbox.
CREATE TABLE custom_views (
  id          text PRIMARY KEY,
  account_id  text NOT NULL,
  inbox_id    text NOT NULL REFERENCES inboxes (id) ON DELETE CASCADE,
  owner_id    text NOT NULL,
  name        text NOT NULL,
  shared      boolean NOT NULL DEFAULT false,
  filters     jsonb NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX custom_views_by_inbox ON custom_views (account_id, inbox_id);
