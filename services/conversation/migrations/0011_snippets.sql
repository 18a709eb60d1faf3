-- The reply library: snippets and templates agents insert, and knowledge-base article links.
CREATE TABLE snippets (
  id          text PRIMARY KEY,
  account_id  text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('snippet', 'template', 'article')),
  name        text NOT NULL,
  body        text NOT NULL,
  created_by  text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX snippets_name_per_kind ON snippets (account_id, kind, lower(name));
