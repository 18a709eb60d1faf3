// Teams: named groups of users (a user may be in several). Admins create, rename and delete them
// and choose their members; everyone may list them. Deleting a team takes its conversations out
// of it (they stay where they are otherwise).
import { AlreadyExistsError, InvalidArgumentError, NotFoundError, changedFields, newId, type AuditAct, type AuditTrail } from '@inbox/lib';
import type { Transaction } from '../../../use-cases/unit-of-work';
import type { Actor } from '../domain/directory';
import { requireActor } from './users';

/** Who may act, and which users exist. */
type TeamsDirectory = Parameters<typeof requireActor>[0] & { listUsers(accountId: string): Promise<{ id: string; removed: boolean }[]> };

export interface Team {
  id: string;
  name: string;
  userIds: string[];
  createdAt: Date;
}

/** Where teams are kept (PostgreSQL in production); alsoInTransaction runs in the write's own transaction. */
export interface TeamStore {
  list(accountId: string, teamId?: string): Promise<Team[]>;
  /** False when another team of the account has the name. */
  insert(accountId: string, team: Team, alsoInTransaction?: (tx: Transaction) => Promise<void>): Promise<boolean>;
  /** False when no such team; null when another team has the name. */
  update(accountId: string, teamId: string, changes: { name?: string; userIds?: string[] }, alsoInTransaction?: (tx: Transaction) => Promise<void>): Promise<boolean | null>;
  /** Takes its conversations out of it (announcing each) and deletes it. */
  remove(accountId: string, teamId: string, alsoInTransaction?: (tx: Transaction) => Promise<void>): Promise<boolean>;
}

const MAX_MEMBERS = 1000;

export class ManageTeams {
  constructor(
    private readonly directory: TeamsDirectory,
    private readonly teams: TeamStore,
    private readonly onCommitted: () => void,
    private readonly audit: AuditTrail,
  ) {}

  /** Like the account's users, listed for any caller of the account (services such as routing included). */
  async list(actor: Actor): Promise<Team[]> {
    return this.teams.list(actor.accountId);
  }

  async create(actor: Actor, input: { name: string; userIds: string[] }): Promise<Team> {
    await requireActor(this.directory, actor, 'admin');
    const team: Team = { id: newId('tea'), name: teamName(input.name), userIds: await this.members(actor.accountId, input.userIds), createdAt: new Date() };
    const audited = this.audited(actor, 'team.created', team.id, { changes: changedFields({} as Partial<Team>, team, ['name', 'userIds']) });
    if (!(await this.teams.insert(actor.accountId, team, audited))) throw new AlreadyExistsError('team_name_taken', `there is already a team called ${team.name}`);
    return team;
  }

  async update(actor: Actor, teamId: string, input: { name?: string; userIds?: string[] }): Promise<Team> {
    await requireActor(this.directory, actor, 'admin');
    const changes = { name: input.name === undefined ? undefined : teamName(input.name), userIds: input.userIds === undefined ? undefined : await this.members(actor.accountId, input.userIds) };
    const [before] = await this.teams.list(actor.accountId, teamId);
    const after = { name: changes.name ?? before?.name, userIds: changes.userIds ?? before?.userIds };
    const audited = this.audited(actor, 'team.updated', teamId, { changes: before ? changedFields({ name: before.name, userIds: before.userIds }, after, ['name', 'userIds']) : {} });
    const updated = await this.teams.update(actor.accountId, teamId, changes, audited);
    if (updated === false) throw new NotFoundError('team_not_found', 'no such team');
    if (updated === null) throw new AlreadyExistsError('team_name_taken', `there is already a team called ${changes.name}`);
    return (await this.teams.list(actor.accountId, teamId))[0];
  }

  async remove(actor: Actor, teamId: string): Promise<void> {
    await requireActor(this.directory, actor, 'admin');
    const [before] = await this.teams.list(actor.accountId, teamId);
    const audited = this.audited(actor, 'team.deleted', teamId, { detail: { name: before?.name ?? null, userIds: before?.userIds ?? [] } });
    if (!(await this.teams.remove(actor.accountId, teamId, audited))) throw new NotFoundError('team_not_found', 'no such team');
    this.onCommitted();
  }

  private audited(actor: Actor, action: string, teamId: string, what: Pick<AuditAct, 'changes' | 'detail'>) {
    return async (tx: Transaction) => {
      await this.audit.record(tx, { accountId: actor.accountId, actorUserId: actor.userId, action, targetType: 'team', targetId: teamId, ...what });
    };
  }

  private async members(accountId: string, userIds: string[]): Promise<string[]> {
    const unique = [...new Set(userIds)];
    if (unique.length > MAX_MEMBERS) throw new InvalidArgumentError('too_many_members', `a team has at most ${MAX_MEMBERS} members`);
    const users = new Map((await this.directory.listUsers(accountId)).map((u) => [u.id, u]));
    const unknown = unique.filter((id) => !users.get(id) || users.get(id)!.removed);
    if (unknown.length) throw new InvalidArgumentError('unknown_users', `no such users in this account: ${unknown.join(', ')}`, { userIds: unknown });
    return unique;
  }
}

function teamName(raw: string): string {
  const name = raw.trim();
  if (!name || name.length > 100) throw new InvalidArgumentError('invalid_name', 'a team name has 1 to 100 characters');
  return name;
}
