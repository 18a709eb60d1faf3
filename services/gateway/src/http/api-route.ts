// Declares an API route once: the express handler, request validation with zod, and the
// OpenAPI entry built from the same schemas.
import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { NextFunction, Request, Response, Router } from 'express';
import { HttpError, z } from '@inbox/lib';
import { ErrorBody } from './openapi';
import type { AuthenticatedUser } from './authenticate';
import { sendJson } from './send-json';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteSpec<B extends z.ZodType, Q extends z.ZodType> {
  method: Method;
  path: string;
  summary: string;
  tag: string;
  auth: boolean;
  body?: B;
  query?: Q;
  status?: number;
  response?: z.ZodType;
  errors?: number[];
}

export interface RouteContext<B, Q, U extends AuthenticatedUser | undefined = AuthenticatedUser> {
  body: B;
  query: Q;
  params: Record<string, string>;
  /** The signed-in user on routes with auth; routes without it have none. */
  user: U;
  req: Request;
  res: Response;
}

export type Authenticator = (req: Request) => Promise<AuthenticatedUser>;

/** Told of every signed-in write that succeeded, before its answer leaves (cached reads of the account drop). */
export type WriteListener = (user: AuthenticatedUser) => void;

export class ApiRoutes {
  constructor(
    private readonly router: Router,
    private readonly registry: OpenAPIRegistry,
    private readonly authenticate: Authenticator,
    private readonly onWrite: WriteListener = () => {},
    private readonly basePath = '/api/v1',
  ) {}

  add<B extends z.ZodType = z.ZodUndefined, Q extends z.ZodType = z.ZodUndefined, A extends boolean = boolean>(
    spec: RouteSpec<B, Q> & { auth: A },
    handler: (ctx: RouteContext<z.infer<B>, z.infer<Q>, A extends true ? AuthenticatedUser : undefined>) => Promise<unknown>,
  ): void {
    const status = spec.status ?? 200;
    this.registry.registerPath(this.describe(spec, status));
    this.router[spec.method](spec.path, async (req: Request, res: Response, next: NextFunction) => {
      try {
        const user = spec.auth ? await this.authenticate(req) : undefined;
        if (spec.body && req.headers['content-type'] && !req.is('application/json')) {
          throw new HttpError(415, 'unsupported_media_type', 'send the body as application/json');
        }
        const body = spec.body ? parse(spec.body, req.body ?? {}, 'body') : undefined;
        const query = spec.query ? parse(spec.query, { ...req.query }, 'query') : undefined;
        const result = await handler({ body, query, params: req.params as Record<string, string>, user, req, res } as RouteContext<z.infer<B>, z.infer<Q>, A extends true ? AuthenticatedUser : undefined>);
        if (spec.method !== 'get' && user) this.onWrite(user);
        if (res.headersSent) return;
        if (status === 204) res.status(204).end();
        else await sendJson(req, res, status, { json: Buffer.from(JSON.stringify(result) ?? '') });
      } catch (error) {
        next(error);
      }
    });
  }

  private describe(spec: RouteSpec<z.ZodType, z.ZodType>, status: number): RouteConfig {
    const openApiPath = `${this.basePath}${spec.path}`.replace(/:(\w+)/g, '{$1}');
    const params = [...spec.path.matchAll(/:(\w+)/g)].map((m) => m[1]);
    const errorResponses = Object.fromEntries(
      [...new Set([400, ...(spec.auth ? [401] : []), ...(spec.errors ?? [])])].map((code) => [
        code,
        { description: 'error', content: { 'application/json': { schema: ErrorBody } } },
      ]),
    );
    return {
      method: spec.method,
      path: openApiPath,
      summary: spec.summary,
      tags: [spec.tag],
      security: spec.auth ? [{ bearerAuth: [] }] : undefined,
      request: {
        params: params.length ? z.object(Object.fromEntries(params.map((p) => [p, z.string()]))) : undefined,
        query: spec.query as RouteConfig['request'] extends { query?: infer T } ? T : never,
        body: spec.body ? { content: { 'application/json': { schema: spec.body } }, required: true } : undefined,
      },
      responses: {
        [status]: spec.response ? { description: 'ok', content: { 'application/json': { schema: spec.response } } } : { description: 'ok' },
        ...errorResponses,
      },
    };
  }
}

function parse<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  throw new HttpError(400, 'validation_failed', `invalid ${where}: ${issues.map((i) => `${i.path || '(root)'} ${i.message}`).join('; ')}`, { issues });
}
