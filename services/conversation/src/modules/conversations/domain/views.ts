// The inbox views: each one's exact membership rule, as a SQL predicate over the conversations
// table (alias c), with {me} the viewing user and {account} its account. Shared by lists and counts.
export interface ViewDefinition {
  id: string;
  name: string;
  predicate: string;
  /** Depends on the time of asking, so it is counted from the conversations themselves, not the kept counts. */
  timeDependent?: boolean;
}

const LIVE = 'c.trashed_at IS NULL AND NOT c.filtered';
const OPEN = `${LIVE} AND c.status = 'open' AND NOT c.awaiting_first_reply`;
const IN_BOT = 'c.bot_chatflow_id IS NOT NULL AND NOT c.handed_off AND c.assignee_id IS NULL';
// By the account's value, not c.account_id: a subquery that names a row of the outer query is run
// again for each conversation, and a team view then walked the whole inbox.
const MY_TEAMS = 'SELECT m.team_id FROM team_members m WHERE m.account_id = {account} AND m.user_id = {me}';

export const VIEWS: ViewDefinition[] = [
  { id: 'unassigned', name: 'Unassigned', predicate: `${OPEN} AND c.assignee_id IS NULL AND NOT (${IN_BOT})` },
  { id: 'mine', name: 'Assigned to me', predicate: `${LIVE} AND c.status = 'open' AND c.assignee_id = {me}` },
  { id: 'team', name: 'My teams', predicate: `${OPEN} AND c.team_id IN (${MY_TEAMS})` },
  { id: 'team_unassigned', name: 'Unassigned in my teams', predicate: `${OPEN} AND c.assignee_id IS NULL AND c.team_id IN (${MY_TEAMS}) AND NOT (${IN_BOT})` },
  { id: 'open', name: 'All open', predicate: OPEN },
  { id: 'chat', name: 'Chat', predicate: `${OPEN} AND c.channel = 'chat'` },
  { id: 'email', name: 'Email', predicate: `${OPEN} AND c.channel = 'email'` },
  { id: 'messenger', name: 'Messenger', predicate: `${OPEN} AND c.channel = 'messenger'` },
  { id: 'forms', name: 'Forms', predicate: `${OPEN} AND c.channel = 'form'` },
  { id: 'calls', name: 'Calls', predicate: `${OPEN} AND c.channel = 'phone'` },
  { id: 'sla', name: 'SLA at risk or breached', predicate: `${LIVE} AND c.status = 'open' AND c.sla_warn_at <= now()`, timeDependent: true },
  { id: 'bots', name: 'Bots', predicate: `${LIVE} AND c.status = 'open' AND ${IN_BOT}` },
  { id: 'closed', name: 'All closed', predicate: `${LIVE} AND c.status = 'closed'` },
  { id: 'sent', name: 'Sent', predicate: 'c.trashed_at IS NULL AND c.awaiting_first_reply' },
  { id: 'spam', name: 'Spam', predicate: 'c.trashed_at IS NULL AND c.filtered' },
  { id: 'trash', name: 'Trash', predicate: 'c.trashed_at IS NOT NULL' },
];

export const VIEW_IDS = VIEWS.map((v) => v.id);

/** A view's predicate for a statement whose $1 is the viewing user and $2 the account. */
export function predicateSql(predicate: string): string {
  return predicate.replaceAll('{me}', '$1::text').replaceAll('{account}', '$2::text');
}

export function findView(id: string): ViewDefinition | undefined {
  return VIEWS.find((v) => v.id === id);
}
