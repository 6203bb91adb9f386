import { badRequest } from '../status';
import { labelValueErrors, qualifiedNameErrors } from './label-rules';
import { LabelRequirement } from './selector.types';

// Label selector grammar of k8s.io/apimachinery/pkg/labels (kubernetes-api.md
// §8 S1): a lexer over special characters, then a recursive-descent parser.

type Tok =
  | { t: 'id'; v: string }
  | { t: 'op'; v: '=' | '==' | '!=' | '>' | '<' | '!' }
  | { t: 'in' | 'notin' | '(' | ')' | ',' | 'eos' };

const SPECIAL = new Set(['=', '!', '(', ')', ',', '>', '<']);
const WS = /\s/;

function lex(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (WS.test(c)) {
      i++;
      continue;
    }
    if (SPECIAL.has(c)) {
      const two = s.slice(i, i + 2);
      if (two === '==' || two === '!=') {
        out.push({ t: 'op', v: two });
        i += 2;
      } else if (c === '(' || c === ')' || c === ',') {
        out.push({ t: c });
        i++;
      } else {
        out.push({ t: 'op', v: c as '=' | '>' | '<' | '!' });
        i++;
      }
      continue;
    }
    let j = i;
    while (j < s.length && !SPECIAL.has(s[j]) && !WS.test(s[j])) j++;
    const word = s.slice(i, j);
    out.push(word === 'in' || word === 'notin' ? { t: word } : { t: 'id', v: word });
    i = j;
  }
  out.push({ t: 'eos' });
  return out;
}

function show(tok: Tok): string {
  if (tok.t === 'eos') return 'end of string';
  if (tok.t === 'id' || tok.t === 'op') return clip(tok.v);
  return tok.t;
}

function clip(s: string): string {
  return s.length > 64 ? `${s.slice(0, 64)}...` : s;
}

function fail(msg: string): never {
  throw badRequest(`unable to parse requirement: ${msg}`);
}

class Parser {
  private pos = 0;
  constructor(private readonly toks: Tok[]) {}

  private peek(): Tok {
    return this.toks[this.pos];
  }
  private next(): Tok {
    return this.toks[this.pos++];
  }

  parse(): LabelRequirement[] {
    const reqs: LabelRequirement[] = [];
    if (this.peek().t === 'eos') return reqs;
    for (;;) {
      reqs.push(this.requirement());
      const t = this.next();
      if (t.t === 'eos') return reqs;
      if (t.t !== ',') fail(`found '${show(t)}', expected: ',' or 'end of string'`);
      const la = this.peek();
      if (!(la.t === 'id' || (la.t === 'op' && la.v === '!'))) fail(`found '${show(la)}', expected: identifier after ','`);
    }
  }

  private requirement(): LabelRequirement {
    let t = this.next();
    if (t.t === 'op' && t.v === '!') {
      t = this.next();
      if (t.t !== 'id') fail(`found '${show(t)}', expected: identifier after '!'`);
      checkKey(t.v);
      const after = this.peek();
      if (after.t !== ',' && after.t !== 'eos') fail(`found '${show(after)}', expected: ',' or 'end of string' after '!${clip(t.v)}'`);
      return { key: t.v, op: 'notexists' };
    }
    if (t.t !== 'id') fail(`found '${show(t)}', expected: !, identifier, or 'end of string'`);
    const key = t.v;
    checkKey(key);
    const op = this.peek();
    if (op.t === ',' || op.t === 'eos') return { key, op: 'exists' };
    this.next();
    if (op.t === 'in' || op.t === 'notin') return { key, op: op.t, values: this.valueSet(key, op.t) };
    if (op.t === 'op' && op.v !== '!') {
      const v = this.singleValue();
      if (op.v === '>' || op.v === '<') {
        if (!/^[-+]?\d+$/.test(v)) fail(`for 'Gt', 'Lt' operators, the value must be an integer: "${clip(v)}"`);
        const n = Number(v);
        if (!Number.isSafeInteger(n)) fail(`value out of range: "${clip(v)}"`);
        return { key, op: op.v === '>' ? 'gt' : 'lt', value: n };
      }
      checkValue(v);
      return { key, op: op.v === '!=' ? 'notin' : 'in', values: [v] };
    }
    return fail(`found '${show(op)}', expected: in, notin, =, ==, !=, gt, lt`);
  }

  /** The value after `=`/`==`/`!=`/`>`/`<`; may be empty (`k=` selects k=""). */
  private singleValue(): string {
    const t = this.peek();
    if (t.t === 'id') {
      this.next();
      return t.v;
    }
    if (t.t === 'eos' || t.t === ',') return '';
    // `in`/`notin` are fine as plain values
    if (t.t === 'in' || t.t === 'notin') {
      this.next();
      return t.t;
    }
    return fail(`found '${show(t)}', expected: identifier`);
  }

  private valueSet(key: string, op: 'in' | 'notin'): string[] {
    const open = this.next();
    if (open.t !== '(') fail(`found '${show(open)}', expected: '('`);
    const values: string[] = [];
    // Mirrors labels.parseIdentifiersList: "(,", ",,", ",)" contribute "".
    let expectValue = true;
    for (;;) {
      const t = this.next();
      if (t.t === 'id' || t.t === 'in' || t.t === 'notin') {
        if (!expectValue) fail(`found '${show(t)}', expected: ',' or ')'`);
        values.push(t.t === 'id' ? t.v : t.t);
        expectValue = false;
      } else if (t.t === ',') {
        if (expectValue) values.push('');
        expectValue = true;
      } else if (t.t === ')') {
        if (expectValue && values.length > 0) values.push('');
        break;
      } else {
        fail(`found '${show(t)}', expected: ',', ')' or identifier`);
      }
    }
    if (values.length === 0) fail(`for 'in', 'notin' operators, values set can't be empty (key "${clip(key)}", operator ${op})`);
    for (const v of values) checkValue(v);
    return [...new Set(values)];
  }
}

function checkKey(key: string): void {
  const errs = qualifiedNameErrors(key);
  if (errs.length) fail(`key: Invalid value: "${clip(key)}": ${errs.join('; ')}`);
}

function checkValue(v: string): void {
  const errs = labelValueErrors(v);
  if (errs.length) fail(`values[0]: Invalid value: "${clip(v)}": ${errs.join('; ')}`);
}

/** Parses `labelSelector`; throws 400 BadRequest on a syntax or validation error. */
export function parseLabelSelector(s: string): LabelRequirement[] {
  return new Parser(lex(s)).parse();
}
