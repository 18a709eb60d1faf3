-- A custom view may be shared with a team (its members see it in the inbox). When the team is
-- deleted the view stays, private to its owner.
ALTER TABLE custom_views ADD COLUMN team_id text REFERENCES teams (id) ON DELETE SET NULL;
