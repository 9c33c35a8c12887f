// Reads an agent's OCF meta-data XML (our own agents' output: one element per line or inline, no
// CDATA) into plain values, for the README's agent reference and the man pages.

/** Undoes the XML escapes the agents write. */
export const unescapeXml = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** The attributes of a tag's inside text (`name="x" required="1"`) as an object. */
export const attributes = (tag) => Object.fromEntries([...tag.matchAll(/(\w[\w-]*)="([^"]*)"/g)].map((m) => [m[1], unescapeXml(m[2])]));

const text = (xml, element) => unescapeXml(new RegExp(`<${element}(?: lang="en")?>([\\s\\S]*?)</${element}>`).exec(xml)?.[1] ?? '');

/** Parses meta-data XML into { name, version, shortdesc, longdesc, parameters[], actions[] }. */
export const parseMetaData = (xml) => {
  const agent = /<resource-agent ([^>]*)>/.exec(xml);
  if (!agent) throw new SyntaxError('Cannot parse meta-data: no <resource-agent> element');
  const head = xml.slice(0, xml.indexOf('<parameters>') < 0 ? xml.length : xml.indexOf('<parameters>'));
  const parameters = [...xml.matchAll(/<parameter ([^>]*)>([\s\S]*?)<\/parameter>/g)].map((m) => {
    const a = attributes(m[1]);
    const c = attributes(/<content ([^>]*)\/>/.exec(m[2])?.[1] ?? '');
    return {
      name: a.name,
      required: a.required === '1',
      unique: a.unique === '1',
      shortdesc: text(m[2], 'shortdesc'),
      longdesc: text(m[2], 'longdesc'),
      type: c.type ?? '',
      default: c.default,
    };
  });
  const actions = [...xml.matchAll(/<action ([^>]*)\/>/g)].map((m) => attributes(m[1]));
  return { name: attributes(agent[1]).name, version: attributes(agent[1]).version, shortdesc: text(head, 'shortdesc'), longdesc: text(head, 'longdesc'), parameters, actions };
};
