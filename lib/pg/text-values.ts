// Values of the text result format, converted the way node-postgres converts them by default, so
// a session gives the same rows whichever connection ran the query: booleans, 2- and 4-byte
// integers, oids and floats become numbers or booleans; int8, numeric and everything else stay text.

/** Type OIDs (pg_type.oid) the agent's queries return that are not left as text. */
export const TYPE_OID = { bool: 16, int2: 21, int4: 23, oid: 26, float4: 700, float8: 701 } as const;

/** One column value in text format (null for SQL NULL) as a JavaScript value. */
export const fromText = (typeOid: number, text: string | null): unknown => {
  if (text === null) return null;
  switch (typeOid) {
    case TYPE_OID.bool:
      return text === 't';
    case TYPE_OID.int2:
    case TYPE_OID.int4:
    case TYPE_OID.oid:
      return Number.parseInt(text, 10);
    case TYPE_OID.float4:
    case TYPE_OID.float8:
      return Number.parseFloat(text);
    default:
      return text;
  }
};

/** A row from column names, type OIDs and text values. */
export const rowFromText = (fields: readonly { name: string; dataTypeID: number }[], values: readonly (string | null)[]): Record<string, unknown> => {
  const row: Record<string, unknown> = {};
  fields.forEach((f, i) => {
    row[f.name] = fromText(f.dataTypeID, values[i] ?? null);
  });
  return row;
};
