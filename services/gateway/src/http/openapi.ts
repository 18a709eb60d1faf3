// The OpenAPI 3.1 document, built from the same zod schemas that validate requests, so the
// published API cannot drift from what the gateway enforces.
import { OpenAPIRegistry, OpenApiGeneratorV31, extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { ERROR_CODES, z } from '@inbox/lib';

extendZodWithOpenApi(z);

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().openapi({
        example: 'invalid_json',
        description: 'A stable, machine-readable code: one of the keys of x-error-codes on this schema (with the HTTP statuses it comes with).',
      }),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .openapi('Error', { 'x-error-codes': ERROR_CODES } as Record<string, unknown>);

export function createApiRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.register('Error', ErrorBody);
  registry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  const Readiness = z
    .object({
      status: z.enum(['ready', 'not_ready']),
      failing: z.array(z.string()),
      checks: z.record(z.string(), z.object({ ok: z.boolean(), error: z.string().optional(), ms: z.number() })),
    })
    .openapi('Readiness');
  registry.registerPath({
    method: 'get',
    path: '/healthz',
    summary: 'Liveness: the process answers',
    tags: ['operations'],
    responses: { 200: { description: 'alive', content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } } } },
  });
  registry.registerPath({
    method: 'get',
    path: '/readyz',
    summary: "Readiness: the gateway's own dependencies are reachable",
    tags: ['operations'],
    responses: {
      200: { description: 'ready', content: { 'application/json': { schema: Readiness } } },
      503: { description: 'a dependency is down; it is named in failing', content: { 'application/json': { schema: Readiness } } },
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/openapi.json',
    summary: 'This document',
    tags: ['operations'],
    responses: { 200: { description: 'OpenAPI 3.1 document' } },
  });
  return registry;
}

export function buildOpenApiDocument(registry: OpenAPIRegistry, serverUrl: string) {
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Inbox API',
      version: '1.0.0',
      description: 'The REST API of the Inbox conversations inbox. Errors share one shape: {"error": {code, message, details}}.',
    },
    servers: [{ url: serverUrl }],
  });
}
