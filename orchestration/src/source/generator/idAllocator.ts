import { ID_TABLES, type SourceTable } from './sourceTables.js';

/** Hands out the next primary key per table, continuing after what the source already holds. */
export class IdAllocator {
  private readonly last = new Map<SourceTable, number>();

  constructor(start: Partial<Record<SourceTable, number>> = {}) {
    for (const table of ID_TABLES) this.last.set(table, start[table] ?? 0);
  }

  next(table: SourceTable): number {
    const id = (this.last.get(table) ?? 0) + 1;
    this.last.set(table, id);
    return id;
  }
}
