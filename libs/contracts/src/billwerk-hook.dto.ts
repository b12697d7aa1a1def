import {
  IsDefined,
  IsNotEmpty,
  IsString,
  Matches,
  MaxLength,
  ValidateBy,
  ValidateIf,
  validateSync,
  type ValidationError,
  type ValidationOptions,
} from 'class-validator';
import { isBillwerkId } from './billwerk-id';
import type { HookFieldKind } from './event-catalog';
import { KNOWN_HOOK_FIELDS } from './event-routing';

/** Hooks are flat; nesting beyond this is not a billwerk hook and would only cost us to carry. */
export const MAX_HOOK_DEPTH = 8;

function IsBillwerkId(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isBillwerkId',
      validator: {
        validate: (value: unknown) => isBillwerkId(value),
        defaultMessage: () => 'must be a billwerk id (24 hexadecimal characters)',
      },
    },
    options,
  );
}

function IsBillwerkIdList(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isBillwerkIdList',
      validator: {
        validate: (value: unknown) => Array.isArray(value) && value.every(isBillwerkId),
        defaultMessage: () => 'must be an array of billwerk ids (24 hexadecimal characters each)',
      },
    },
    options,
  );
}

/**
 * The fields of a billwerk hook that carry rules. Other fields are kept as sent: billwerk adds
 * fields over time, and merchant strings (`ExternalCustomerId`, `YourCustomerId`) are free text.
 */
export class BillwerkHookDto {
  // class-validator runs these bottom-up; with stopAtFirstError the most basic rule speaks first.
  @Matches(/^[A-Za-z]+$/, { message: 'must contain letters only' })
  @MaxLength(100, { message: 'must be at most 100 characters' })
  @IsNotEmpty({ message: 'must not be empty' })
  @IsString({ message: 'must be a string' })
  @IsDefined({ message: 'is required' })
  Event!: string;

  [field: string]: unknown;
}

type HookDtoClass = new () => BillwerkHookDto;

function decorateField(target: object, field: string, kind: HookFieldKind | undefined): void {
  if (kind === 'id') IsBillwerkId()(target, field);
  else if (kind === 'id-list') IsBillwerkIdList()(target, field);
}

/**
 * Id rules come from the catalog, so a field added there is validated without a second edit.
 * A class per combination of present fields keeps class-validator from walking ~35 optional
 * properties for a hook that carries three (it was 15 % of the ingress's CPU). Combinations
 * are few in practice; past SHAPE_LIMIT one class with every field (as optional) serves.
 */
const SHAPE_LIMIT = 512;
const shapes = new Map<string, HookDtoClass>();

class AnyBillwerkHookDto extends BillwerkHookDto {}
for (const [field, kind] of KNOWN_HOOK_FIELDS) {
  ValidateIf((hook: Record<string, unknown>) => hook[field] !== undefined)(
    AnyBillwerkHookDto.prototype,
    field,
  );
  decorateField(AnyBillwerkHookDto.prototype, field, kind);
}

function dtoClassFor(fields: readonly string[]): HookDtoClass {
  const signature = fields.join(',');
  const known = shapes.get(signature);
  if (known) return known;
  if (shapes.size >= SHAPE_LIMIT) return AnyBillwerkHookDto;
  const shape = class extends BillwerkHookDto {};
  for (const field of fields) decorateField(shape.prototype, field, KNOWN_HOOK_FIELDS.get(field));
  shapes.set(signature, shape);
  return shape;
}

export interface HookFieldProblem {
  field: string;
  problem: string;
}

export type HookValidationResult =
  | { valid: true; event: string; body: Readonly<Record<string, unknown>> }
  | { valid: false; problems: HookFieldProblem[] };

function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  let deepest = 0;
  for (const child of Object.values(value)) {
    deepest = Math.max(deepest, depthOf(child));
    if (deepest >= MAX_HOOK_DEPTH) break;
  }
  return deepest + 1;
}

function flatten(errors: ValidationError[]): HookFieldProblem[] {
  return errors.flatMap((error) =>
    Object.values(error.constraints ?? {}).map((problem) => ({ field: error.property, problem })),
  );
}

/** Validates a parsed hook body. Pure: the same input always gives the same answer. */
export function validateHook(body: unknown): HookValidationResult {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { valid: false, problems: [{ field: '(body)', problem: 'must be a JSON object' }] };
  }
  const record = body as Record<string, unknown>;
  if (depthOf(record) > MAX_HOOK_DEPTH) {
    return {
      valid: false,
      problems: [
        { field: '(body)', problem: `must not nest deeper than ${MAX_HOOK_DEPTH} levels` },
      ],
    };
  }
  // Copy only the fields with rules: assigning arbitrary keys could set `__proto__`.
  const present = Object.keys(record).filter((field) => KNOWN_HOOK_FIELDS.has(field));
  const dto = new (dtoClassFor(present))();
  dto.Event = record.Event as string;
  for (const field of present) dto[field] = record[field];
  const errors = validateSync(dto, { stopAtFirstError: true });
  if (errors.length > 0) return { valid: false, problems: flatten(errors) };
  return { valid: true, event: dto.Event, body: record };
}
