/** The part of an ajv error object that the generated validators produce and we read. */
export interface SchemaError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
}

export interface SchemaErrorWithParent extends SchemaError {
  /** present because the validators are generated with ajv's `verbose` option */
  readonly parentSchema?: { readonly properties?: Record<string, unknown> };
}
