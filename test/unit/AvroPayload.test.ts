import { describe, expectTypeOf, it } from 'vitest';
import type { AvroValue } from '../../pipeline/task/AvroPayload.js';
import { defineTask, type InputOf, type PayloadOf, type TaskDefinition } from '../../pipeline/task/defineTask.js';

/** Compile-time specifications: `npx tsc --noEmit` fails if a type below stops following from the schema. */
const order = {
  type: 'record',
  name: 'Order',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'quantity', type: 'int' },
    { name: 'priority', type: 'int', default: 0 },
    { name: 'note', type: ['null', 'string'], default: null },
    { name: 'coupon', type: ['null', 'string'] },
    { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['NEW', 'PAID', 'SHIPPED'] } },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'counts', type: { type: 'map', values: 'long' } },
    { name: 'placedAt', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'signature', type: 'bytes' },
    { name: 'address', type: { type: 'record', name: 'Address', fields: [{ name: 'city', type: 'string' }] } },
    { name: 'billing', type: 'Address' },
  ],
} as const;

type Output = AvroValue<typeof order>;
type Input = AvroValue<typeof order, 'input'>;

const minimal = {
  id: 'o-1',
  quantity: 2,
  coupon: null,
  status: 'NEW',
  tags: [],
  counts: {},
  placedAt: 0,
  signature: Buffer.alloc(0),
  address: { city: 'Lyon' },
  billing: null,
} satisfies Input;

const input = (value: Input): Input => value;

describe('AvroValue: payload types that follow from an `as const` schema', () => {
  it('maps primitives to their TypeScript types', () => {
    expectTypeOf<Output['id']>().toEqualTypeOf<string>();
    expectTypeOf<Output['quantity']>().toEqualTypeOf<number>();
    expectTypeOf<Output['signature']>().toEqualTypeOf<Buffer>();
  });

  it('maps a logical type to its underlying type', () => {
    expectTypeOf<Output['placedAt']>().toEqualTypeOf<number>();
  });

  it('makes every field required in output mode, defaulted ones included', () => {
    expectTypeOf<Output['priority']>().toEqualTypeOf<number>();
    expectTypeOf<keyof Output>().toEqualTypeOf<
      | 'id'
      | 'quantity'
      | 'priority'
      | 'note'
      | 'coupon'
      | 'status'
      | 'tags'
      | 'counts'
      | 'placedAt'
      | 'signature'
      | 'address'
      | 'billing'
    >();
  });

  it('makes fields with a default optional in input mode', () => {
    expectTypeOf<Input['priority']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<Omit<Output, 'priority' | 'note'>>().toExtend<Input>();
    input(minimal);
  });

  it('keeps fields without a default required in input mode', () => {
    // @ts-expect-error quantity has no default
    input({ ...minimal, quantity: undefined });
    expectTypeOf<Omit<Output, 'id'>>().not.toExtend<Input>();
  });

  it('turns an enum into the union of its symbols', () => {
    expectTypeOf<Output['status']>().toEqualTypeOf<'NEW' | 'PAID' | 'SHIPPED'>();
    // @ts-expect-error LOST is not a symbol of Status
    input({ ...minimal, status: 'LOST' });
  });

  it('turns an array into an array of its items', () => {
    expectTypeOf<Output['tags']>().toEqualTypeOf<string[]>();
    // @ts-expect-error the items are strings
    input({ ...minimal, tags: [1] });
  });

  it('turns a map into a string-keyed record of its values', () => {
    expectTypeOf<Output['counts']>().toEqualTypeOf<Record<string, number>>();
  });

  it('turns a ["null", T] union into T | null', () => {
    expectTypeOf<Output['coupon']>().toEqualTypeOf<string | null>();
    expectTypeOf<Output['note']>().toEqualTypeOf<string | null>();
    expectTypeOf<Input['note']>().toEqualTypeOf<string | null | undefined>();
  });

  it('keeps a nullable field without a default required: null must be given', () => {
    expectTypeOf<Input>().toHaveProperty('coupon');
    expectTypeOf<Omit<Output, 'coupon'>>().not.toExtend<Input>();
  });

  it('types a nested record field by field', () => {
    expectTypeOf<Output['address']>().toEqualTypeOf<{ city: string }>();
    // @ts-expect-error city is a string
    input({ ...minimal, address: { city: 69 } });
  });

  it('resolves a reference to a named type to unknown', () => {
    expectTypeOf<Output['billing']>().toBeUnknown();
  });

  it('rejects a field of the wrong type', () => {
    // @ts-expect-error quantity is an int
    input({ ...minimal, quantity: '2' });
    // @ts-expect-error signature is bytes
    input({ ...minimal, signature: 'abc' });
  });

  it('gives handlers the output type and producers the input type of a task', () => {
    const task = defineTask({ name: 'order', schema: order });
    expectTypeOf(task).toEqualTypeOf<TaskDefinition<typeof order>>();
    expectTypeOf<PayloadOf<typeof task>>().toEqualTypeOf<Output>();
    expectTypeOf<InputOf<typeof task>>().toEqualTypeOf<Input>();
  });

  it('types the key function argument from the schema', () => {
    defineTask({
      name: 'order',
      schema: order,
      key: (payload) => {
        expectTypeOf(payload.id).toEqualTypeOf<string>();
        return payload.id;
      },
    });
  });
});
