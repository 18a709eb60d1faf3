// The gateway's routes as types, read from the OpenAPI document it serves (src/gen/api-schema.ts,
// npm run api:gen). A path written at a call site, `/conversations/${id}/tickets`, is matched to
// its route `/conversations/{id}/tickets`, which gives the body that route takes and the answer it
// sends: a route the gateway does not have, a wrong body or a misread answer fails to compile.
import type { paths } from './gen/api-schema';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** `/conversations/{id}/tickets` → `/conversations/${string}/tickets` */
type Fill<T extends string> = T extends `${infer A}{${string}}${infer B}` ? `${A}${string}${Fill<B>}` : T;
type Routes = { [K in keyof paths as K extends `/api/v1${infer R}` ? R : never]: paths[K] };
type Operation<M extends Method, K extends keyof Routes> = Lowercase<M> extends keyof Routes[K] ? Exclude<Routes[K][Lowercase<M>], undefined> : never;
type RoutesFor<M extends Method> = { [K in keyof Routes]: [Operation<M, K>] extends [never] ? never : K }[keyof Routes];
type Base<P extends string> = P extends `${infer B}?${string}` ? B : P;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type ExactRoute<M extends Method, P extends string> = { [K in RoutesFor<M>]: Same<Base<P>, Fill<K & string>> extends true ? K : never }[RoutesFor<M>];
// A literal where the route has a parameter (`/legal-holds/conversation/${id}`) matches loosely.
type LooseRoute<M extends Method, P extends string> = { [K in RoutesFor<M>]: Base<P> extends Fill<K & string> ? K : never }[RoutesFor<M>];
// Distributes over a union of paths (one of two routes chosen at run time): the union of their routes.
type RouteOf<M extends Method, P extends string> = P extends string ? ([ExactRoute<M, P>] extends [never] ? LooseRoute<M, P> : ExactRoute<M, P>) : never;
type Json<R> = R extends { content: { 'application/json': infer B } } ? B : undefined;

/** Every path the gateway answers for the method, with or without a query string. */
export type PathOf<M extends Method> = { [K in RoutesFor<M>]: Fill<K & string> | `${Fill<K & string>}?${string}` }[RoutesFor<M>];

type OperationAt<M extends Method, P extends string> = Operation<M, RouteOf<M, P>>;

/** The JSON answer of a successful call (undefined for 204 No Content). */
export type ResponseFor<M extends Method, P extends string> =
  OperationAt<M, P> extends { responses: infer Rs } ? Json<Rs[(200 | 201 | 202) & keyof Rs]> | (204 extends keyof Rs ? undefined : never) : never;

/** The JSON body the route takes. */
export type BodyFor<M extends Method, P extends string> = OperationAt<M, P> extends { requestBody?: infer B } ? Json<NonNullable<B>> : never;

/** The arguments after the path: none where the route takes no body, an optional or a required body. */
export type BodyArgs<M extends Method, P extends string> =
  OperationAt<M, P> extends { requestBody?: never }
    ? []
    : undefined extends (OperationAt<M, P> & { requestBody?: unknown })['requestBody']
      ? [body?: BodyFor<M, P>]
      : // A body whose fields are all optional may be left out.
        Record<never, never> extends BodyFor<M, P>
        ? [body?: BodyFor<M, P>]
      : [body: BodyFor<M, P>];
