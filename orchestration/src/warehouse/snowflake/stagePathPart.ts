import { createHash } from 'node:crypto';

/** A name as a stage path segment: its letters, digits, - and _, plus a hash so that distinct names stay distinct. */
export function stagePathPart(name: string): string {
  const readable = name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80);
  return `${readable}_${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
}
