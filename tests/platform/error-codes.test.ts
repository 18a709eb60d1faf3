// Every error code a client can meet is published: the catalogue generated from the sources
// matches them exactly, and the OpenAPI document carries it on the Error schema.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ERROR_CODES } from '@inbox/lib';
import { buildOpenApiDocument, createApiRegistry } from '../../services/gateway/src/http/openapi';
import { CATALOGUE_PATH, renderCatalogue, scanErrorCodes } from '../../scripts/error-codes';

const ROOT = path.resolve(__dirname, '../..');

describe('error codes', () => {
  it('are catalogued exactly as the sources raise them (run npm run errors:gen after adding one)', () => {
    const scanned = scanErrorCodes(ROOT);
    expect(Object.keys(scanned).length).toBeGreaterThan(100);
    expect(readFileSync(path.join(ROOT, CATALOGUE_PATH), 'utf8')).toBe(renderCatalogue(scanned));
  });

  it('carry the HTTP status their kind maps to', () => {
    expect(ERROR_CODES.invalid_json.statuses).toEqual([400]);
    expect(ERROR_CODES.validation_failed.statuses).toContain(400);
    expect(ERROR_CODES.conversation_not_found.statuses).toEqual([404]);
    expect(ERROR_CODES.invalid_token.statuses).toContain(401);
  });

  it('are published in the OpenAPI document on the Error schema', () => {
    const document = buildOpenApiDocument(createApiRegistry(), 'http://127.0.0.1:8080/api/v1') as unknown as {
      components: { schemas: Record<string, Record<string, unknown>> };
    };
    const published = document.components.schemas.Error['x-error-codes'] as Record<string, { statuses: number[] }>;
    expect(Object.keys(published).sort()).toEqual(Object.keys(ERROR_CODES).sort());
    expect(published.session_revoked ?? published.invalid_token).toBeDefined();
  });
});
