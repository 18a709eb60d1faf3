-- Keys between two records of an account name the account, so the database itself refuses a row
-- that ties one account's record to another's: an inbox or team membership, a session, a channel's
-- inbox, a chat flow's channel, a contact's further address. A membership across accounts would be
-- a grant across tenants; until now only the use cases stood in its way, and team members' user ids
-- were not checked by the database at all.
--
-- A conversation's own content (messages, attachments, comments, tickets, calls, reply tokens,
-- deliveries, and the conversation a deal or survey came from) keeps its key by id: each is written
-- in its conversation's transaction under the conversation's account, and a key with the account
-- would need a second index on every message.

ALTER TABLE users ADD CONSTRAINT users_account_id_id_key UNIQUE (account_id, id);

-- Rows these keys would refuse are grants across accounts or addresses filed under the wrong one:
-- none can be made through the API, and any that exist are removed rather than kept.
DELETE FROM inbox_members m USING inboxes i WHERE i.id = m.inbox_id AND i.account_id <> m.account_id;
DELETE FROM inbox_members m USING users u WHERE u.id = m.user_id AND u.account_id <> m.account_id;
DELETE FROM team_members m USING teams t WHERE t.id = m.team_id AND t.account_id <> m.account_id;
DELETE FROM team_members m WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.account_id = m.account_id AND u.id = m.user_id);
DELETE FROM sessions s USING users u WHERE u.id = s.user_id AND u.account_id <> s.account_id;
DELETE FROM chatflows f USING channels ch WHERE ch.id = f.channel_id AND ch.account_id <> f.account_id;
DELETE FROM contact_addresses a USING contacts c WHERE c.id = a.contact_id AND c.account_id <> a.account_id;

CREATE INDEX inbox_members_inbox_idx ON inbox_members (account_id, inbox_id);
CREATE INDEX inbox_members_account_user_idx ON inbox_members (account_id, user_id);
DROP INDEX inbox_members_user_idx;
ALTER INDEX inbox_members_account_user_idx RENAME TO inbox_members_user_idx;
ALTER TABLE inbox_members
  DROP CONSTRAINT inbox_members_inbox_id_fkey,
  DROP CONSTRAINT inbox_members_user_id_fkey,
  ADD CONSTRAINT inbox_members_inbox_id_fkey FOREIGN KEY (account_id, inbox_id)
    REFERENCES inboxes (account_id, id) ON DELETE CASCADE,
  ADD CONSTRAINT inbox_members_user_id_fkey FOREIGN KEY (account_id, user_id)
    REFERENCES users (account_id, id) ON DELETE CASCADE;

CREATE INDEX team_members_team_idx ON team_members (account_id, team_id);
ALTER TABLE team_members
  DROP CONSTRAINT team_members_team_id_fkey,
  ADD CONSTRAINT team_members_team_id_fkey FOREIGN KEY (account_id, team_id)
    REFERENCES teams (account_id, id) ON DELETE CASCADE,
  ADD CONSTRAINT team_members_user_id_fkey FOREIGN KEY (account_id, user_id)
    REFERENCES users (account_id, id) ON DELETE CASCADE;

CREATE INDEX sessions_account_user_idx ON sessions (account_id, user_id);
DROP INDEX sessions_user_idx;
ALTER INDEX sessions_account_user_idx RENAME TO sessions_user_idx;
ALTER TABLE sessions
  DROP CONSTRAINT sessions_user_id_fkey,
  ADD CONSTRAINT sessions_user_id_fkey FOREIGN KEY (account_id, user_id)
    REFERENCES users (account_id, id) ON DELETE CASCADE;

-- One index serves both the account's key and the inbox's.
CREATE INDEX channels_account_inbox_idx ON channels (account_id, inbox_id);
DROP INDEX channels_inbox_idx;
DROP INDEX channels_account_idx;
ALTER INDEX channels_account_inbox_idx RENAME TO channels_inbox_idx;
ALTER TABLE channels
  DROP CONSTRAINT channels_inbox_id_fkey,
  ADD CONSTRAINT channels_inbox_id_fkey FOREIGN KEY (account_id, inbox_id)
    REFERENCES inboxes (account_id, id) ON DELETE CASCADE;

CREATE INDEX chatflows_account_channel_idx ON chatflows (account_id, channel_id);
ALTER TABLE chatflows
  DROP CONSTRAINT chatflows_channel_id_fkey,
  ADD CONSTRAINT chatflows_channel_id_fkey FOREIGN KEY (account_id, channel_id)
    REFERENCES channels (account_id, id) ON DELETE CASCADE;

CREATE INDEX contact_addresses_account_contact_idx ON contact_addresses (account_id, contact_id);
DROP INDEX contact_addresses_account_idx;
ALTER INDEX contact_addresses_account_contact_idx RENAME TO contact_addresses_account_idx;
ALTER TABLE contact_addresses
  DROP CONSTRAINT contact_addresses_contact_id_fkey,
  ADD CONSTRAINT contact_addresses_contact_id_fkey FOREIGN KEY (account_id, contact_id)
    REFERENCES contacts (account_id, id) ON DELETE CASCADE;
