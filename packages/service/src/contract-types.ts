/** The shape of the contract document, as far as the core reads it. */
export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'patch' | 'head' | 'options';

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: unknown;
  $ref?: string;
}

export interface OpenApiOperation {
  operationId: string;
  security?: unknown[];
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, unknown>;
  'x-cpis-access'?: { case: string; statuses: Record<string, number> }[];
  'x-cpis-row-schema'?: string;
  'x-cpis-max-rows'?: number;
  /** The surface the operation belongs to (`surface.ts`); none is `v1`. */
  'x-cpis-surface'?: string;
  /** A GET that may tell a local authority: it takes no HEAD (a HEAD must never notify). */
  'x-cpis-notifies'?: boolean;
  [key: string]: unknown;
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}
