// The REST API in one place: every route module registered on one router and one OpenAPI
// registry. The running gateway and the offline description (for the web client's generated
// types) come from this same function, so they cannot differ.
import express, { type Router } from 'express';
import type { BlobStore, ServiceClient, ConversationClients } from '@inbox/lib';
import type { NotificationServiceService } from '@inbox/lib/gen/inbox/notification/v1/notification';
import type { WebhookServiceService } from '@inbox/lib/gen/inbox/notification/v1/webhooks';
import type { RoutingServiceService } from '@inbox/lib/gen/inbox/routing/v1/routing';
import type { SearchServiceService } from '@inbox/lib/gen/inbox/search/v1/search';
import type { AuthenticatedUser } from './authenticate';
import type { AuthServices } from './routes/directory.routes';
import { ApiRoutes, type WriteListener } from './api-route';
import type { ReadCache } from './read-cache';
import type { UserRefs } from './user-refs';
import { createAuthenticator } from './authenticate';
import { buildOpenApiDocument, createApiRegistry } from './openapi';
import { registerAttachmentRoutes } from './routes/attachments.routes';
import { registerConversationActionRoutes, registerConversationRoutes } from './routes/conversations.routes';
import { registerDirectoryRoutes } from './routes/directory.routes';
import { registerNotificationRoutes } from './routes/notifications.routes';
import { registerWebhookRoutes } from './routes/webhooks.routes';
import { registerServiceLevelRoutes } from './routes/service-levels.routes';
import { registerAssistRoutes } from './routes/assist.routes';
import { registerRecordRoutes } from './routes/records.routes';
import { registerRoutingRoutes } from './routes/routing.routes';
import { registerSearchRoutes } from './routes/search.routes';
import { registerReportRoutes } from './routes/reports.routes';
import { registerAuditRoutes, type AuditTrails } from './routes/audit.routes';
import { registerGovernanceRoutes } from './routes/governance.routes';
import { registerSsoRoutes } from './routes/sso.routes';
import type { OidcClient } from '../auth/oidc-client';
import type { SsoStates } from '../auth/sso-states';

export interface GatewayDependencies {
  conversation: ConversationClients;
  notifications: ServiceClient<typeof NotificationServiceService>;
  webhooks: ServiceClient<typeof WebhookServiceService>;
  search: ServiceClient<typeof SearchServiceService>;
  routing: ServiceClient<typeof RoutingServiceService>;
  audit: AuditTrails;
  sso: { client: OidcClient; states: SsoStates };
  auth: AuthServices;
  authenticate: (token: string) => Promise<AuthenticatedUser>;
  blobs: BlobStore;
  /** Conversation list pages kept in memory; absent, every read asks the conversation service. */
  readCache?: ReadCache;
  /** Users as now, for rows served from the search index; absent, those rows show them as indexed. */
  userRefs?: UserRefs;
  onWrite?: WriteListener;
}

export interface ApiOptions {
  signupEnabled: boolean;
  ingestPublicUrl: string;
  publicUrl: string;
}

/** Registers every route on the router; returns the OpenAPI document describing them. */
export function registerApi(router: Router, deps: GatewayDependencies, options: ApiOptions): ReturnType<typeof buildOpenApiDocument> {
  const registry = createApiRegistry();
  const routes = new ApiRoutes(router, registry, createAuthenticator(deps.authenticate), deps.onWrite);
  registerDirectoryRoutes(routes, deps.conversation, deps.auth, { signupEnabled: options.signupEnabled, ingestPublicUrl: options.ingestPublicUrl });
  registerConversationRoutes(routes, deps.conversation, options.publicUrl, deps.readCache);
  registerConversationActionRoutes(routes, deps.conversation, options.publicUrl);
  registerAttachmentRoutes(routes, deps.conversation, deps.blobs);
  registerRecordRoutes(routes, deps.conversation, options.publicUrl);
  registerAssistRoutes(routes, deps.conversation);
  registerNotificationRoutes(routes, deps.notifications, deps.conversation);
  registerWebhookRoutes(routes, deps.webhooks);
  registerSearchRoutes(routes, deps.conversation, deps.search, deps.readCache, deps.userRefs);
  registerRoutingRoutes(routes, deps.conversation, deps.routing);
  registerServiceLevelRoutes(routes, deps.conversation);
  registerReportRoutes(routes, deps.conversation, deps.routing);
  registerAuditRoutes(routes, deps.audit);
  registerGovernanceRoutes(routes, deps.conversation, deps.blobs);
  registerSsoRoutes(routes, deps.conversation, { ...deps.sso, tokens: deps.auth.tokens });
  return buildOpenApiDocument(registry, options.publicUrl);
}

/** The API's OpenAPI document without a running gateway: routes registered, never called. */
export function describeApi(publicUrl = 'http://127.0.0.1:8080'): ReturnType<typeof buildOpenApiDocument> {
  const unreachable = new Proxy({}, { get: () => () => Promise.reject(new Error('describeApi: no backend')) }) as never;
  return registerApi(express.Router(), { conversation: unreachable, notifications: unreachable, webhooks: unreachable, search: unreachable, routing: unreachable, audit: unreachable, sso: { client: { redirectUri: `${publicUrl}/api/v1/auth/sso/callback` } as never, states: unreachable }, auth: { tokens: unreachable } as never, authenticate: unreachable, blobs: unreachable }, {
    signupEnabled: true,
    ingestPublicUrl: 'http://127.0.0.1:8081',
    publicUrl,
  });
}
