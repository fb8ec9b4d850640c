/**
 * Decoding of Bot API request parameters from every transport Telegram accepts: the URL query,
 * JSON bodies, urlencoded forms and multipart forms (which Telegraf uses to upload files).
 */

/** An uploaded file part of a multipart request; the bytes are kept for tests that inspect them. */
export interface UploadedFile {
  field: string;
  filename: string;
  contentType: string;
  size: number;
  data: Buffer;
}

/** The decoded parameters of one request. */
export interface DecodedRequest {
  params: Record<string, unknown>;
  files: UploadedFile[];
}

/** Thrown when a body cannot be decoded; the server answers it as a Bad Request. */
export class BodyError extends Error {}

/** Decodes a request body according to its content type and merges the URL query under it. */
export function decodeRequest(
  contentType: string | undefined,
  body: Buffer,
  query: URLSearchParams,
): DecodedRequest {
  const params: Record<string, unknown> = {};
  for (const [key, value] of query) params[key] = value;
  const files: UploadedFile[] = [];
  const type = (contentType ?? '').toLowerCase();
  if (body.length === 0) return { params, files };

  if (type.startsWith('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw new BodyError("can't parse JSON object");
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new BodyError('JSON object expected');
    }
    Object.assign(params, parsed);
  } else if (type.startsWith('multipart/form-data')) {
    const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
    const mark = boundary?.[1] ?? boundary?.[2];
    if (mark === undefined) throw new BodyError("can't parse multipart form: boundary is missing");
    for (const part of splitMultipart(body, mark)) {
      if (part.filename === undefined) {
        params[part.name] = part.data.toString('utf8');
      } else {
        files.push({
          field: part.name,
          filename: part.filename,
          contentType: part.contentType,
          size: part.data.length,
          data: part.data,
        });
      }
    }
  } else {
    // Telegram treats anything else as an urlencoded form, which is also what curl -d sends.
    for (const [key, value] of new URLSearchParams(body.toString('utf8'))) params[key] = value;
  }
  return { params, files };
}

interface Part {
  name: string;
  filename?: string;
  contentType: string;
  data: Buffer;
}

function splitMultipart(body: Buffer, boundary: string): Part[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let pos = body.indexOf(delimiter);
  while (pos !== -1) {
    const afterDelimiter = pos + delimiter.length;
    if (body.subarray(afterDelimiter, afterDelimiter + 2).toString() === '--') break;
    const headerStart = body.indexOf('\r\n', afterDelimiter) + 2;
    const headerEnd = body.indexOf('\r\n\r\n', headerStart);
    const next = body.indexOf(delimiter, headerEnd);
    if (headerStart < 2 || headerEnd === -1 || next === -1) {
      throw new BodyError("can't parse multipart form");
    }
    const headers = body.subarray(headerStart, headerEnd).toString('utf8');
    // The part's data ends with the CRLF that precedes the next delimiter.
    const data = body.subarray(headerEnd + 4, next - 2);
    const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    const partType = /content-type:\s*([^\r\n]*)/i.exec(headers)?.[1]?.trim() ?? 'application/octet-stream';
    if (name !== undefined) {
      const part: Part = { name, contentType: partType, data: Buffer.from(data) };
      if (filename !== undefined) part.filename = filename;
      parts.push(part);
    }
    pos = next;
  }
  return parts;
}

/** Reads a parameter as Telegram's `to_bool` does: true, yes and 1 (any case) are true. */
export function toBool(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value !== 'string') return false;
  const v = value.trim().toLowerCase();
  return v === 'true' || v === 'yes' || v === '1';
}

/** Reads a parameter as a string the way Telegram does (numbers and booleans as their text). */
export function toStr(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value);
}

/** Reads an integer parameter; anything unparsable counts as absent, as on Telegram. */
export function toInt(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : undefined;
  if (typeof value === 'string' && /^\s*[-+]?\d+/.test(value)) return Number.parseInt(value, 10);
  return undefined;
}

/** Reads a JSON-serialized parameter, accepting an already-decoded value from a JSON body. */
export function toJson(value: unknown): { ok: true; value: unknown } | { ok: false } {
  if (typeof value !== 'string') return { ok: true, value };
  try {
    return { ok: true, value: JSON.parse(value) };
  } catch {
    return { ok: false };
  }
}
