import Ajv from 'ajv';
import addFormats from 'ajv-formats';

// The string formats kube-openapi's strfmt registry knows (k8s.io/kube-openapi/pkg/validation/strfmt).
// A format not listed here is ignored, as the apiserver does. Numeric formats (int32, int64, float,
// double) are accepted but not range-checked: the apiserver does not check them for CRs either.

const re = (r: RegExp) => (s: string) => r.test(s);

const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// Go time.ParseDuration units plus the d/w that strfmt's ParseDuration also accepts.
const duration = /^[-+]?(?:\d+(?:\.\d+)?\s*(?:ns|us|µs|ms|s|m|h|d|w|nanoseconds?|microseconds?|milliseconds?|seconds?|minutes?|hours?|days?|weeks?))+$/;
const mac = /^(?:[0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){5}|[0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){7}|[0-9A-Fa-f]{4}(?:\.[0-9A-Fa-f]{4}){2})$/;
const uuidAny = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const uuidV = (v: number) => new RegExp(`^[0-9a-f]{8}-?[0-9a-f]{4}-?${v}[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$`, 'i');
const hexcolor = /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
const rgbcolor = /^rgb\(\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*\)$/;
const isbn10 = /^(?:[0-9]{9}X|[0-9]{10})$/;
const isbn13 = /^(?:[0-9]{13})$/;
const ssn = /^\d{3}[- ]?\d{2}[- ]?\d{4}$/;
const creditcard = /^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35\d{3})\d{11})$/;
const bsonobjectid = /^[0-9a-fA-F]{24}$/;
// RFC 3339 as Go's time.Parse(time.RFC3339) and strfmt's extra layouts accept it.
const dateTime = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:?\d{2})?$/;

function cidr(s: string): boolean {
  const i = s.lastIndexOf('/');
  if (i < 0) return false;
  const ip = s.slice(0, i);
  const bits = s.slice(i + 1);
  if (!/^\d{1,3}$/.test(bits)) return false;
  const n = Number(bits);
  if (ip.includes(':')) return n <= 128 && ipv6(ip);
  return n <= 32 && ipv4(ip);
}
function ipv4(s: string): boolean {
  return /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/.test(s);
}
function ipv6(s: string): boolean {
  try {
    return new URL(`http://[${s}]/`).hostname.length > 0;
  } catch {
    return false;
  }
}

const NUMERIC_FORMATS = ['int32', 'int64', 'float', 'double'];

/** Formats handled here on top of ajv-formats; the map value is the string check. */
const K8S_STRING_FORMATS: Record<string, (s: string) => boolean> = {
  byte: re(base64),
  password: () => true,
  binary: () => true,
  duration: re(duration),
  datetime: re(dateTime),
  'date-time': re(dateTime),
  cidr,
  mac: re(mac),
  uuid: re(uuidAny),
  uuid3: re(uuidV(3)),
  uuid4: re(uuidV(4)),
  uuid5: re(uuidV(5)),
  hexcolor: re(hexcolor),
  rgbcolor: re(rgbcolor),
  isbn: (s) => isbn10.test(s) || isbn13.test(s),
  isbn10: re(isbn10),
  isbn13: re(isbn13),
  ssn: re(ssn),
  creditcard: re(creditcard),
  bsonobjectid: re(bsonobjectid),
};

/** Formats taken from ajv-formats unchanged. */
const AJV_FORMATS = ['date', 'email', 'hostname', 'ipv4', 'ipv6', 'uri'] as const;

export const KNOWN_FORMATS: ReadonlySet<string> = new Set([...AJV_FORMATS, ...Object.keys(K8S_STRING_FORMATS), ...NUMERIC_FORMATS]);

/** A pattern engine that falls back from unicode mode (RE2-like) to legacy mode, and accepts a leading `(?i)`. */
function regExpEngine(pattern: string, flags: string): RegExp {
  let p = pattern;
  let f = flags;
  const m = /^\(\?([imsU]+)\)/.exec(p);
  if (m) {
    p = p.slice(m[0].length);
    if (m[1].includes('i')) f += 'i';
    if (m[1].includes('s')) f += 's';
  }
  try {
    return new RegExp(p, f);
  } catch {
    return new RegExp(p, f.replace('u', ''));
  }
}
regExpEngine.code = 'new RegExp';

let shared: Ajv | undefined;

/**
 * One Ajv instance for every CRD: formats are registered once, and each compiled schema is removed
 * from ajv's cache right after compiling, so memory follows the CRD cache, not the history of CRDs.
 */
export function sharedAjv(): Ajv {
  if (shared) return shared;
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true, code: { regExp: regExpEngine } });
  addFormats(ajv, [...AJV_FORMATS]);
  for (const [name, validate] of Object.entries(K8S_STRING_FORMATS)) ajv.addFormat(name, { type: 'string', validate });
  for (const name of NUMERIC_FORMATS) ajv.addFormat(name, { type: 'number', validate: () => true });
  shared = ajv;
  return ajv;
}
