/** Attachments on the wire: the download route's parameters and the multipart request bodies. */
import { z } from '@hono/zod-openapi';
import { createMessageBody } from './messages.ts';
import { createTicketBody } from './tickets.ts';
import { uuidSchema } from './common.ts';

export const attachmentParams = z.object({ id: uuidSchema.openapi({ param: { name: 'id', in: 'path' } }) });

const files = z
  .array(z.unknown())
  .optional()
  .openapi({
    type: 'array',
    items: { type: 'string', format: 'binary' },
    description:
      'The files (one part each). Limits per file, per message and per request are configured (ATTACHMENT_MAX_FILE_BYTES, ATTACHMENT_MAX_FILES, ATTACHMENT_MAX_REQUEST_BYTES); the type is decided from the bytes and must be on the allow-list (ATTACHMENT_TYPES); a declared type the bytes contradict is refused with 415.',
  });

/**
 * The multipart forms: the JSON body's fields (objects and arrays as JSON text, arrays may also
 * repeat) plus `files`. Multipart bodies are read as a stream by the route itself, so files go
 * straight to storage; its fields are then validated with the JSON body's schema.
 */
export const createMessageForm = createMessageBody.extend({ files }).openapi('CreateMessageForm');
export const createTicketForm = createTicketBody.extend({ files }).openapi('CreateTicketForm');

export const multipartDescription =
  'Send `application/json`, or `multipart/form-data` with the same fields (objects and arrays as JSON text; arrays may also repeat the field) and the files in `files`. ' +
  'A multipart body is streamed: each file is checked (size, type from its bytes, SHA-256) and stored as it arrives; the first limit crossed ends the request with 413 without reading the rest, and nothing of a failed request is kept.';
