/**
 * TypeScript types that follow from an Avro schema declared `as const`, so a payload that does not fit the
 * schema is a compile error. Covers primitives, records, enums, arrays, maps, unions, fixed and logical
 * types; a reference to a named type by its name resolves to `unknown` (avsc still checks it at run time).
 */
type Primitive<T> = T extends 'null'
  ? null
  : T extends 'boolean'
    ? boolean
    : T extends 'int' | 'long' | 'float' | 'double'
      ? number
      : T extends 'bytes'
        ? Buffer
        : T extends 'string'
          ? string
          : unknown;

type FieldName<F> = F extends { readonly name: infer N extends string } ? N : never;
type FieldValue<F, Mode> = F extends { readonly type: infer T } ? AvroValue<T, Mode> : never;
type HasDefault<F> = F extends { readonly default: unknown } ? true : false;

type RecordValue<Fields, Mode> = Fields extends readonly unknown[]
  ? Mode extends 'input'
    ? { -readonly [F in Fields[number] as HasDefault<F> extends true ? never : FieldName<F>]: FieldValue<F, Mode> } & {
        -readonly [F in Fields[number] as HasDefault<F> extends true ? FieldName<F> : never]?: FieldValue<F, Mode>;
      }
    : { -readonly [F in Fields[number] as FieldName<F>]: FieldValue<F, Mode> }
  : never;

/** Mode 'input': what a producer may pass (fields with defaults optional); 'output': what a handler gets. */
export type AvroValue<S, Mode = 'output'> = S extends string
  ? Primitive<S>
  : S extends readonly (infer U)[]
    ? AvroValue<U, Mode>
    : S extends { readonly type: 'record'; readonly fields: infer F }
      ? RecordValue<F, Mode>
      : S extends { readonly type: 'enum'; readonly symbols: readonly (infer E)[] }
        ? E
        : S extends { readonly type: 'array'; readonly items: infer I }
          ? AvroValue<I, Mode>[]
          : S extends { readonly type: 'map'; readonly values: infer V }
            ? Record<string, AvroValue<V, Mode>>
            : S extends { readonly type: 'fixed' }
              ? Buffer
              : S extends { readonly type: infer P }
                ? AvroValue<P, Mode>
                : unknown;

/** A record schema as the declarations use it. */
export interface AvroRecordSchema {
  readonly type: 'record';
  readonly name: string;
  readonly namespace?: string;
  readonly doc?: string;
  readonly fields: readonly { readonly name: string; readonly type: unknown; readonly default?: unknown }[];
}
