import type { PoolClient } from '@inbox/lib';
import type { UserOffboarding } from '../use-cases/users';

/** A deactivated or removed user's open conversations become unassigned (and so show in Unassigned). */
export class ConversationAssignments implements UserOffboarding {
  async releaseAssignments(accountId: string, userId: string, tx: PoolClient): Promise<void> {
    await tx.query(
      `UPDATE conversations SET assignee_id = NULL, version = version + 1, updated_at = now()
       WHERE account_id = $1 AND assignee_id = $2 AND status = 'open'`,
      [accountId, userId],
    );
  }
}
