import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { createGzip, type Gzip } from 'node:zlib';
import { quoteIdent, quoteLiteral } from '../../kernel/sqlIdentifiers.js';
import type { SnowflakeSession } from './connection.js';
import { sfIdent } from './identifiers.js';
import { STAGE } from './metadataTables.js';
import { CSV_FORMAT } from './stageFile.js';
import { stagePathPart } from './stagePathPart.js';

/** Opens a loader session, runs `work` in it and closes it (SnowflakeWarehouse's session()). */
export type SessionRunner = <T>(work: (session: SnowflakeSession) => Promise<T>) => Promise<T>;

/** PUTs in flight at once; whoever adds files waits for one to finish before filling another. */
const PARALLEL_PUTS = 4;

/**
 * CSV files gzipped into parts of about `fileBytes` (compressed) under one stage path, each PUT in
 * its own session as soon as it is full, up to PARALLEL_PUTS at a time, while the caller goes on
 * producing files: local disk holds a few parts, never the whole run. copyInto() then loads every
 * part with one COPY. The path is `bulk/<purpose>/<table>/<load id>/`; start() first removes
 * everything under `bulk/<purpose>/<table>/`, so parts an interrupted run left behind are never
 * loaded by a later one nor kept (and billed) for good.
 */
export class StagedParts {
  private readonly dir = mkdtempSync(join(tmpdir(), 'rebar-sf-parts-'));
  private part: { file: string; gzip: Gzip; out: WriteStream } | undefined;
  private parts = 0;
  private readonly uploads = new Set<Promise<void>>();
  private failure: unknown;

  private constructor(
    private readonly run: SessionRunner,
    private readonly fileBytes: number,
    readonly path: string,
  ) {}

  static async start(
    run: SessionRunner,
    purpose: string,
    tableName: string,
    loadId: string,
    fileBytes: number,
  ): Promise<StagedParts> {
    const tablePath = `${STAGE}/bulk/${purpose}/${stagePathPart(tableName)}`;
    await run((session) => session.query(`remove @${tablePath}/`));
    return new StagedParts(run, fileBytes, `${tablePath}/${stagePathPart(loadId)}/`);
  }

  /** Appends one CSV file's rows (the file may be reused once this resolves). */
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

  /** Waits until every added row is on the stage; returns how many parts hold them. */
  async stage(): Promise<number> {
    await this.closePart();
    await Promise.allSettled([...this.uploads]);
    this.throwIfFailed();
    return this.parts;
  }

  /**
   * Creates the session's temporary table `table` (VARCHAR columns) and fills it with every part
   * in one COPY, which PURGEs them; a failed COPY's parts are removed.
   */
  async copyInto(session: SnowflakeSession, table: string, columnNames: string[]): Promise<void> {
    await this.stage();
    const definitions = columnNames.map((name) => `${sfIdent(name)} varchar`).join(', ');
    await session.execute(`create or replace temporary table ${quoteIdent(table)} (${definitions})`);
    if (this.parts === 0) return;
    try {
      await session.query(
        `copy into ${quoteIdent(table)} from @${this.path} file_format = (${CSV_FORMAT}) on_error = abort_statement purge = true`,
      );
    } catch (error) {
      await session.query(`remove @${this.path}`).catch(() => undefined);
      throw error;
    }
  }

  /** Drops the local files and, unless loaded already, the staged parts. */
  async discard(): Promise<void> {
    this.part?.gzip.destroy();
    this.part = undefined;
    await Promise.allSettled([...this.uploads]);
    this.removeLocalFiles();
    await this.run((session) => session.query(`remove @${this.path}`)).catch(() => undefined);
  }

  removeLocalFiles(): void {
    rmSync(this.dir, { recursive: true, force: true });
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
      session.query(`put ${quoteLiteral(`file://${file}`)} @${this.path} auto_compress = false overwrite = true`),
    );
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}
