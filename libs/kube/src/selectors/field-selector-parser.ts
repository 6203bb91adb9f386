import { badRequest } from '../status';
import { FieldRequirement } from './selector.types';

// Field selector grammar of k8s.io/apimachinery/pkg/fields (§8 S2): terms
// split on unescaped commas; `!=`, `==`, `=`; `\\`, `\,`, `\=` escapes in values.

const OPS: [string, FieldRequirement['op']][] = [
  ['!=', 'neq'],
  ['==', 'eq'],
  ['=', 'eq'],
];

function fail(msg: string): never {
  throw badRequest(`invalid field selector: ${msg}`);
}

function clip(s: string): string {
  return s.length > 64 ? `${s.slice(0, 64)}...` : s;
}

function splitTerms(s: string): string[] {
  const terms: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[i + 1];
      i++;
    } else if (c === ',') {
      terms.push(cur);
      cur = '';
    } else cur += c;
  }
  terms.push(cur);
  return terms;
}

/** The first operator occurrence splits the term (the lhs has no escapes), as in fields.splitTerm. */
function splitTerm(term: string): [string, FieldRequirement['op'], string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const [sym, op] of OPS) {
      if (term.startsWith(sym, i)) return [term.slice(0, i), op, term.slice(i + sym.length)];
    }
  }
  return undefined;
}

export function unescapeFieldValue(v: string): string {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (c !== '\\') {
      if (c === '=' || c === ',') fail(`unescaped '${c}' in value "${clip(v)}"`);
      out += c;
      continue;
    }
    const n = v[i + 1];
    if (n === '\\' || n === ',' || n === '=') {
      out += n;
      i++;
    } else fail(`invalid escape sequence in value "${clip(v)}"`);
  }
  return out;
}

/** Escapes a value for use in a field selector string. */
export function escapeFieldValue(v: string): string {
  return v.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** Parses `fieldSelector`; throws 400 BadRequest on a syntax error. */
export function parseFieldSelector(s: string): FieldRequirement[] {
  const reqs: FieldRequirement[] = [];
  for (const term of splitTerms(s)) {
    if (term.trim() === '') continue;
    const parts = splitTerm(term);
    if (!parts) fail(`'${clip(s)}'; can't understand '${clip(term)}'`);
    const [lhs, op, rhs] = parts;
    const field = lhs.trim();
    if (field === '') fail(`'${clip(s)}'; missing field name in '${clip(term)}'`);
    reqs.push({ field, op, value: unescapeFieldValue(rhs) });
  }
  return reqs;
}
