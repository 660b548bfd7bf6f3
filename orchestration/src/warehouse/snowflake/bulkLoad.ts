import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { createGzip, type Gzip } from 'node:zlib';
import { quoteIdent, quoteLiteral } from '../../kernel/sqlIdentifiers.js';
import type { BulkLoad, BulkLoadInput, LoadFileOutput } from '../warehouse.js';
import { alignRawTable } from './alignRawTable.js';
import type { SnowflakeSession } from './connection.js';
import { sfIdent } from './identifiers.js';
import { mergeStaged, stagedTableName } from './mergeFile.js';
import { STAGE } from './metadataTables.js';
import { CSV_FORMAT } from './stageFile.js';

/** Opens a loader session, runs `work` in it and closes it (SnowflakeWarehouse's session()). */
export type SessionRunner = <T>(work: (session: SnowflakeSession) => Promise<T>) => Promise<T>;

/** PUTs in flight at once; the extraction waits for one to finish before it fills another file. */
const PARALLEL_PUTS = 4;

/**
 * Starts one table's bulk load: raw.<table> aligned with the source's columns (DDL, before any
 * transaction) and whatever an earlier, interrupted attempt left on the table's stage path removed,
 * so its files are never loaded twice or left behind.
 */
export async function startBulkLoad(
  run: SessionRunner,
  rawSchema: string,
  input: BulkLoadInput,
  fileBytes: number,
): Promise<BulkLoad> {
  const tablePath = `${STAGE}/bulk/${stagePathPart(input.table.name)}`;
  const schemaChanges = await run(async (session) => {
    await session.query(`remove @${tablePath}/`);
    return alignRawTable(session, rawSchema, input.table, input.columns, input.loadId, true);
  });
  const loadPath = `${tablePath}/${stagePathPart(input.loadId)}/`;
  return new SnowflakeBulkLoad(run, rawSchema, input, fileBytes, loadPath, schemaChanges);
}

/**
 * Extracted files gzipped into parts of about `fileBytes` (compressed), each PUT to the stage in its
 * own session as soon as it is full, up to PARALLEL_PUTS at a time, while the extraction goes on.
 * finish() then runs, in one session, one COPY of every part into a temporary table and one MERGE
 * (mergeStaged), which commits the rows with the watermark. A crash before that commit leaves raw
 * and the watermark as they were; the retry's startBulkLoad removes the staged parts.
 */
class SnowflakeBulkLoad implements BulkLoad {
  private readonly dir = mkdtempSync(join(tmpdir(), 'rebar-sf-bulk-'));
  private part: { file: string; gzip: Gzip; out: WriteStream } | undefined;
  private parts = 0;
  private readonly uploads = new Set<Promise<void>>();
  private failure: unknown;

  constructor(
    private readonly run: SessionRunner,
    private readonly rawSchema: string,
    private readonly input: BulkLoadInput,
    private readonly fileBytes: number,
    private readonly loadPath: string,
    readonly schemaChanges: string[],
  ) {}

  async add(filePath: string): Promise<void> {
    this.throwIfFailed();
    if (statSync(filePath).size === 0) return;
    this.part ??= this.openPart();
    const { gzip } = this.part;
    for await (const chunk of createReadStream(filePath)) {
      if (!gzip.write(chunk)) await once(gzip, 'drain');
    }
    if (this.part.out.bytesWritten >= this.fileBytes) await this.closePart();
  }

  async stage(): Promise<number> {
    await this.closePart();
    await Promise.allSettled([...this.uploads]);
    this.throwIfFailed();
    return this.parts;
  }

  async finish(options: { countRows: boolean }): Promise<LoadFileOutput> {
    try {
      await this.stage();
      const { table, columns, loadId } = this.input;
      return await this.run(async (session) => {
        const stage = stagedTableName(table);
        const definitions = columns.map((column) => `${sfIdent(column.name)} varchar`).join(', ');
        await session.execute(`create or replace temporary table ${quoteIdent(stage)} (${definitions})`);
        if (this.parts > 0) {
          try {
            await session.query(
              `copy into ${quoteIdent(stage)} from @${this.loadPath} file_format = (${CSV_FORMAT}) on_error = abort_statement purge = true`,
            );
          } catch (error) {
            await session.query(`remove @${this.loadPath}`).catch(() => undefined);
            throw error;
          }
        }
        return mergeStaged(session, this.rawSchema, {
          table,
          columns,
          loadId,
          stage,
          countRows: options.countRows,
          schemaChanges: this.schemaChanges,
        });
      });
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  async abandon(): Promise<void> {
    this.part?.gzip.destroy();
    this.part = undefined;
    await Promise.allSettled([...this.uploads]);
    rmSync(this.dir, { recursive: true, force: true });
    await this.run((session) => session.query(`remove @${this.loadPath}`)).catch(() => undefined);
  }

  private openPart(): { file: string; gzip: Gzip; out: WriteStream } {
    const file = join(this.dir, `part${String(this.parts).padStart(5, '0')}.csv.gz`);
    this.parts += 1;
    const gzip = createGzip();
    const out = createWriteStream(file);
    gzip.pipe(out);
    return { file, gzip, out };
  }

  /** Ends the current part and starts its PUT, waiting first while PARALLEL_PUTS are in flight. */
  private async closePart(): Promise<void> {
    const part = this.part;
    if (!part) return;
    this.part = undefined;
    part.gzip.end();
    await finished(part.out);
    while (this.uploads.size >= PARALLEL_PUTS) await Promise.race(this.uploads);
    const upload: Promise<void> = this.put(part.file)
      .catch((error: unknown) => {
        this.failure ??= error;
      })
      .finally(() => {
        rmSync(part.file, { force: true });
        this.uploads.delete(upload);
      });
    this.uploads.add(upload);
  }

  private async put(file: string): Promise<void> {
    await this.run((session) =>
      session.query(`put ${quoteLiteral(`file://${file}`)} @${this.loadPath} auto_compress = false overwrite = true`),
    );
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}

/** A name as a stage path segment: its letters, digits, - and _, plus a hash so that distinct names stay distinct. */
function stagePathPart(name: string): string {
  const readable = name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80);
  return `${readable}_${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
}
