// The GovernanceService of the conversation service's governance module: retention and legal holds.
import type { UnaryHandlers } from '@inbox/lib';
import type { GovernanceServiceService, LegalHold as ProtoLegalHold, RetentionPolicy as ProtoPolicy } from '@inbox/lib/gen/inbox/conversation/v1/governance';
import type { ConversationUseCases } from './use-cases';
import type { InboxRetentionMode, LegalHold, RetentionPolicy } from '../../modules/governance';
import { actorFrom } from '../proto-mapping';

const policyToProto = (policy: RetentionPolicy): ProtoPolicy => ({
  accountDays: policy.accountDays ?? 0,
  inboxes: policy.inboxes.map((i) => ({ inboxId: i.inboxId, mode: i.mode, days: i.days ?? 0 })),
});

const policyFromProto = (policy: ProtoPolicy | undefined): RetentionPolicy => ({
  accountDays: policy?.accountDays || null,
  inboxes: (policy?.inboxes ?? []).map((i) => ({ inboxId: i.inboxId, mode: i.mode as InboxRetentionMode, days: i.mode === 'days' ? i.days : null })),
});

const holdToProto = (hold: LegalHold): ProtoLegalHold => ({ ...hold });

export function governanceGrpcHandlers(u: ConversationUseCases): UnaryHandlers<typeof GovernanceServiceService> {
  return {
    async getRetentionPolicy(request) {
      return { policy: policyToProto(await u.retention.policy(actorFrom(request.tenant))) };
    },
    async setRetentionPolicy(request) {
      return { policy: policyToProto(await u.retention.setPolicy(actorFrom(request.tenant), policyFromProto(request.policy))) };
    },
    async previewRetention(request) {
      return u.retention.preview(actorFrom(request.tenant));
    },
    async applyRetention(request) {
      return { deleted: await u.retention.apply(actorFrom(request.tenant), request.expected) };
    },
    async placeLegalHold(request) {
      return { hold: holdToProto(await u.legalHolds.place(actorFrom(request.tenant), request.targetType, request.targetId, request.reason)) };
    },
    async releaseLegalHold(request) {
      await u.legalHolds.release(actorFrom(request.tenant), request.targetType, request.targetId);
      return {};
    },
    async exportContact(request) {
      const { data, files } = await u.personalData.export(actorFrom(request.tenant), request.contactId);
      return { dataJson: JSON.stringify(data), files: files.map((f) => ({ ...f, content: Buffer.from(f.content) })) };
    },
    async eraseContact(request) {
      return u.personalData.erase(actorFrom(request.tenant), request.contactId);
    },
    async listLegalHolds(request) {
      return { holds: (await u.legalHolds.list(actorFrom(request.tenant))).map(holdToProto) };
    },
  };
}
