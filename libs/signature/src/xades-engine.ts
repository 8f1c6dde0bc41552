import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as xadesjs from 'xadesjs';

const load = createRequire(__filename);
let ready = false;

/**
 * xadesjs on Node: WebCrypto, and a DOM for each copy of xml-core it runs on — xadesjs and
 * xmldsigjs are installed each with their own copy, and each keeps its own registry.
 */
export function xades(): typeof xadesjs {
  if (ready) return xadesjs;
  xadesjs.Application.setEngine('NodeJS', globalThis.crypto);
  for (const owner of ['xadesjs', 'xmldsigjs']) {
    const core = require.resolve('xml-core', { paths: [dirname(require.resolve(owner))] });
    const xpath = require.resolve('xpath', { paths: [dirname(core)] });
    const { setNodeDependencies } = load(core) as typeof xadesjs;
    setNodeDependencies({ DOMParser, XMLSerializer, xpath: load(xpath) as unknown });
  }
  ready = true;
  return xadesjs;
}
