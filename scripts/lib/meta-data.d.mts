// Types of scripts/lib/meta-data.mjs for the unit tests.

/** One parameter of an agent's meta-data. */
export interface MetaParameter {
  name: string;
  required: boolean;
  unique: boolean;
  shortdesc: string;
  longdesc: string;
  type: string;
  default: string | undefined;
}
/** An agent's meta-data. */
export interface MetaData {
  name: string;
  version: string;
  shortdesc: string;
  longdesc: string;
  parameters: MetaParameter[];
  actions: Record<string, string>[];
}
/** Parses meta-data XML. */
export declare const parseMetaData: (xml: string) => MetaData;
/** Undoes XML escapes. */
export declare const unescapeXml: (s: string) => string;
/** A tag's attributes. */
export declare const attributes: (tag: string) => Record<string, string>;
