import { randomInt } from 'node:crypto';
import type { NameRule } from '../resources';
import { dns1123SubdomainErrors } from '../selectors/label-rules';

// Object name rules per kind (kubernetes-api.md §5 C9) and generateName (C3).

const DNS1123_LABEL_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

export function dns1123LabelErrors(name: string): string[] {
  const errs: string[] = [];
  if (name.length > 63) errs.push('must be no more than 63 characters');
  if (!DNS1123_LABEL_RE.test(name)) errs.push(LABEL_MSG);
  return errs;
}

export function pathSegmentErrors(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  const errs: string[] = [];
  for (const bad of ['/', '%']) if (name.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
}

/** Problems with `name` under `rule`; empty when valid. */
export function validateName(rule: NameRule, name: string): string[] {
  if (name === '') return ['name or generateName is required'];
  switch (rule) {
    case 'dns1123-label':
      return dns1123LabelErrors(name);
    case 'dns1123-subdomain':
      return dns1123SubdomainErrors(name);
    case 'path-segment':
      return pathSegmentErrors(name);
  }
}

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const MAX_PREFIX = 58;

/** The apiserver's generateName: prefix cut to 58 chars plus 5 random chars. */
export function generateName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += ALPHABET[randomInt(ALPHABET.length)];
  return prefix.slice(0, MAX_PREFIX) + suffix;
}
