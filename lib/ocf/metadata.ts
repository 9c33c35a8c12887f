// Schema and action advice -> meta-data XML valid against resource-agents' ra-api-1.dtd.
import type { ActionAdvice } from './agent-spec.ts';
import { defaultText, type ParamSchema } from './schema.ts';

/** What meta-data is rendered from. */
export interface MetadataSource {
  name: string;
  version: string;
  shortdesc: string;
  longdesc: string;
  params: ParamSchema;
  actions: readonly ActionAdvice[];
}

/** Escapes text for XML content and attribute values. */
export const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const attr = (name: string, value: string | number | undefined): string =>
  value === undefined ? '' : ` ${name}="${escapeXml(String(value))}"`;

const renderAction = (a: ActionAdvice): string =>
  `    <action name="${a.name}"${attr('timeout', `${a.timeout}s`)}` +
  `${attr('interval', a.interval === undefined ? undefined : `${a.interval}s`)}` +
  `${attr('depth', a.depth)}${attr('role', a.role)}/>`;

/** Renders the full meta-data document (OCF API version 1.0: parameter changes mean restart). */
export const renderMetadata = (src: MetadataSource): string => {
  const params = Object.entries(src.params).map(([name, p]) =>
    [
      `    <parameter name="${escapeXml(name)}" unique="${p.unique ? 1 : 0}" required="${p.required ? 1 : 0}">`,
      `      <longdesc lang="en">${escapeXml(p.longdesc)}</longdesc>`,
      `      <shortdesc lang="en">${escapeXml(p.shortdesc)}</shortdesc>`,
      `      <content type="${p.type}"${attr('default', defaultText(p))}/>`,
      '    </parameter>',
    ].join('\n'),
  );
  return [
    '<?xml version="1.0"?>',
    '<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">',
    `<resource-agent name="${escapeXml(src.name)}" version="${escapeXml(src.version)}">`,
    '  <version>1.0</version>',
    `  <longdesc lang="en">${escapeXml(src.longdesc)}</longdesc>`,
    `  <shortdesc lang="en">${escapeXml(src.shortdesc)}</shortdesc>`,
    '  <parameters>',
    ...params,
    '  </parameters>',
    '  <actions>',
    ...src.actions.map(renderAction),
    '  </actions>',
    '</resource-agent>',
    '',
  ].join('\n');
};

/** The names printed by the `methods` action: every advertised action, once. */
export const methodNames = (actions: readonly ActionAdvice[]): string[] => [...new Set(actions.map((a) => a.name))];
