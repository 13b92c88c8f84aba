/**
 * Bodies whose content a use case validates (it names the field and the batch row in its
 * failure) are checked at the route only for their envelope. `validatedByUseCase` marks the
 * loose route schema with the use case's own schema, so the OpenAPI document still shows the
 * real shape while the request is parsed once.
 */
import * as z from 'zod';
import type * as zm from 'zod/mini';

const documentedShapes = new WeakMap<object, z.core.$ZodType>();

export function validatedByUseCase<S extends z.ZodType>(loose: S, shape: z.core.$ZodType): S {
  documentedShapes.set(loose, shape);
  return loose;
}

export function documentedShape(schema: object): z.core.$ZodType | undefined {
  return documentedShapes.get(schema);
}

/** A batch body (`{ agencies: [...] }`) whose rows the use case validates: here each list is only checked to be one. */
export function batchOf<Shape extends Record<string, zm.ZodMiniArray>>(
  body: zm.ZodMiniObject<Shape>,
): z.ZodObject<{ [K in keyof Shape]: z.ZodArray<z.ZodUnknown> }> {
  const envelope = z.object(Object.fromEntries(Object.keys(body.shape).map((key) => [key, z.array(z.unknown())])));
  return validatedByUseCase(envelope, body) as z.ZodObject<{ [K in keyof Shape]: z.ZodArray<z.ZodUnknown> }>;
}

/** An object body validated whole by the use case. */
export const objectOf = (shape: z.core.$ZodType) => validatedByUseCase(z.record(z.string(), z.unknown()), shape);
