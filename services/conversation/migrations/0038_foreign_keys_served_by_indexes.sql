-- Every foreign key gets an index that leads with its columns. Deleting a parent row makes
-- PostgreSQL find the rows that name it, and without such an index that was a scan of the whole
-- referencing table inside the deleting transaction: erasing one contact, deleting a channel or a
-- company read every conversation or contact of every account (870 MB at 1.5 million
-- conversations), and purging a conversation read all surveys, deals and reply tokens.
--
-- Where the referencing table already had an index on (account_id, column), the key now names the
-- account as well and uses that index. Such a key also holds tenants apart in the database itself:
-- a conversation, deal or view can no longer point at another account's contact, inbox, team,
-- channel or company. ON DELETE SET NULL (column) keeps the account column; it needs PostgreSQL 15.

ALTER TABLE contacts ADD CONSTRAINT contacts_account_id_id_key UNIQUE (account_id, id);
ALTER TABLE inboxes ADD CONSTRAINT inboxes_account_id_id_key UNIQUE (account_id, id);
ALTER TABLE teams ADD CONSTRAINT teams_account_id_id_key UNIQUE (account_id, id);
ALTER TABLE channels ADD CONSTRAINT channels_account_id_id_key UNIQUE (account_id, id);
ALTER TABLE companies ADD CONSTRAINT companies_account_id_id_key UNIQUE (account_id, id);

CREATE INDEX conversations_team_idx ON conversations (account_id, team_id) WHERE team_id IS NOT NULL;
CREATE INDEX conversations_channel_idx ON conversations (account_id, channel_id) WHERE channel_id IS NOT NULL;
ALTER TABLE conversations
  DROP CONSTRAINT conversations_contact_id_fkey,
  DROP CONSTRAINT conversations_inbox_id_fkey,
  DROP CONSTRAINT conversations_team_id_fkey,
  DROP CONSTRAINT conversations_channel_id_fkey,
  ADD CONSTRAINT conversations_contact_id_fkey FOREIGN KEY (account_id, contact_id)
    REFERENCES contacts (account_id, id) ON DELETE SET NULL (contact_id),
  ADD CONSTRAINT conversations_inbox_id_fkey FOREIGN KEY (account_id, inbox_id)
    REFERENCES inboxes (account_id, id) ON DELETE CASCADE,
  ADD CONSTRAINT conversations_team_id_fkey FOREIGN KEY (account_id, team_id)
    REFERENCES teams (account_id, id) ON DELETE SET NULL (team_id),
  ADD CONSTRAINT conversations_channel_id_fkey FOREIGN KEY (account_id, channel_id)
    REFERENCES channels (account_id, id) ON DELETE SET NULL (channel_id);

CREATE INDEX contacts_company_idx ON contacts (account_id, company_id) WHERE company_id IS NOT NULL;
ALTER TABLE contacts
  DROP CONSTRAINT contacts_company_id_fkey,
  ADD CONSTRAINT contacts_company_id_fkey FOREIGN KEY (account_id, company_id)
    REFERENCES companies (account_id, id) ON DELETE SET NULL (company_id);

CREATE INDEX custom_views_by_team ON custom_views (account_id, team_id) WHERE team_id IS NOT NULL;
ALTER TABLE custom_views
  DROP CONSTRAINT custom_views_inbox_id_fkey,
  DROP CONSTRAINT custom_views_team_id_fkey,
  ADD CONSTRAINT custom_views_inbox_id_fkey FOREIGN KEY (account_id, inbox_id)
    REFERENCES inboxes (account_id, id) ON DELETE CASCADE,
  ADD CONSTRAINT custom_views_team_id_fkey FOREIGN KEY (account_id, team_id)
    REFERENCES teams (account_id, id) ON DELETE SET NULL (team_id);

ALTER TABLE sla_policies
  DROP CONSTRAINT sla_policies_inbox_id_fkey,
  DROP CONSTRAINT sla_policies_team_id_fkey,
  ADD CONSTRAINT sla_policies_inbox_id_fkey FOREIGN KEY (account_id, inbox_id)
    REFERENCES inboxes (account_id, id) ON DELETE CASCADE,
  ADD CONSTRAINT sla_policies_team_id_fkey FOREIGN KEY (account_id, team_id)
    REFERENCES teams (account_id, id) ON DELETE CASCADE;

CREATE INDEX deals_by_conversation ON deals (conversation_id) WHERE conversation_id IS NOT NULL;
ALTER TABLE deals
  DROP CONSTRAINT deals_contact_id_fkey,
  ADD CONSTRAINT deals_contact_id_fkey FOREIGN KEY (account_id, contact_id)
    REFERENCES contacts (account_id, id) ON DELETE CASCADE;

CREATE INDEX surveys_by_conversation ON surveys (conversation_id);
ALTER TABLE surveys
  DROP CONSTRAINT surveys_contact_id_fkey,
  ADD CONSTRAINT surveys_contact_id_fkey FOREIGN KEY (account_id, contact_id)
    REFERENCES contacts (account_id, id) ON DELETE CASCADE;

CREATE INDEX reply_tokens_by_conversation ON reply_tokens (conversation_id);
CREATE INDEX channels_account_idx ON channels (account_id);
CREATE INDEX contact_addresses_account_idx ON contact_addresses (account_id);

-- Sessions are looked up live by user, but deleting a user goes through the revoked ones as well.
CREATE INDEX sessions_user_idx ON sessions (user_id);
DROP INDEX sessions_user_live_idx;

-- The account of a message is its conversation's: deleting an account deletes its conversations
-- by index, and their messages with them. A key of its own sent every account deletion through
-- the whole messages table, and an index to serve it would cost every inbound message a write.
ALTER TABLE messages DROP CONSTRAINT messages_account_id_fkey;
