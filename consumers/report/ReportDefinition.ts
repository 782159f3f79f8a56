import type { PayloadOf } from '../../pipeline/index.js';
import type { generateReport } from '../../schemas/tasks.js';
import { ReportDefinitionError, UnknownReportError } from './reportErrors.js';

/** What a generate-report task asks for: which report, and the parameters its definition reads. */
export type ReportRequest = PayloadOf<typeof generateReport>;

/** A WHERE condition with `$1…$n` placeholders and their values: values never become SQL text. */
export interface SqlFilter {
  readonly sql: string;
  readonly values: readonly unknown[];
}

/**
 * A report the worker may build: the payload names it, the SQL comes from here. A task can choose a report
 * and give its parameters, never SQL, so what a producer can make the database run is what these definitions say.
 */
export interface ReportDefinition {
  readonly name: string;
  /** A table or view, optionally schema-qualified (`sales.orders`). */
  readonly table: string;
  /** The CSV's columns, in order: column names of `table` (the header row uses them as they are). */
  readonly columns: readonly string[];
  /**
   * One of `columns`, unique and never null: rows are written in its order, and a checkpoint is the last key
   * written, so a resumed run continues with the rows after it. An index on it (or on the filter's columns and
   * it) keeps a resumed query from scanning what is already written.
   */
  readonly key: string;
  /** The rows of one request (say, one customer's for the period); every row of `table` without it. */
  readonly where?: (request: ReportRequest) => SqlFilter;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NAME = /^[A-Za-z0-9._-]+$/;

/** Checks a definition once, when it is made: names are plain identifiers, so quoting them is enough. */
export function defineReport(definition: ReportDefinition): ReportDefinition {
  const { name, table, columns, key } = definition;
  const fail = (why: string): never => {
    throw new ReportDefinitionError(`report "${name}": ${why}`);
  };
  if (!NAME.test(name)) fail("its name may hold only letters, digits, '.', '_' and '-'");
  if (!table.split('.').every((part) => IDENTIFIER.test(part)) || table.split('.').length > 2) {
    fail(`table "${table}" is not a plain [schema.]name`);
  }
  if (columns.length === 0) fail('it names no columns');
  for (const c of columns) if (!IDENTIFIER.test(c)) fail(`column "${c}" is not a plain column name`);
  if (!columns.includes(key)) fail(`its key "${key}" is not one of its columns`);
  return Object.freeze({ ...definition, columns: Object.freeze([...columns]) });
}

/** The reports a worker knows, by name. */
export class ReportRegistry {
  private readonly byName = new Map<string, ReportDefinition>();

  constructor(definitions: readonly ReportDefinition[]) {
    for (const d of definitions) {
      if (this.byName.has(d.name)) throw new ReportDefinitionError(`two reports are named "${d.name}"`);
      this.byName.set(d.name, defineReport(d));
    }
  }

  /** The definition, or an UnknownReportError (not retriable: the task goes to the dead-letter topic). */
  get(name: string): ReportDefinition {
    const d = this.byName.get(name);
    if (d === undefined) throw new UnknownReportError(name, [...this.byName.keys()]);
    return d;
  }
}
