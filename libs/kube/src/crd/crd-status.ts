import { CrdCondition, CrdNames, CrdStatus, CustomResourceDefinition } from './crd.types';

// CRD status as the naming, establishing and finalizing controllers of the
// apiextensions-apiserver keep it (kubernetes-api.md §13 K2, K11).

function namesOf(crd: CustomResourceDefinition): CrdNames {
  const spec = crd.spec?.names ?? {};
  const kind = spec.kind ?? '';
  return {
    plural: spec.plural ?? '',
    singular: spec.singular || kind.toLowerCase(),
    kind,
    listKind: spec.listKind || (kind ? `${kind}List` : ''),
    ...(spec.shortNames?.length ? { shortNames: [...spec.shortNames] } : {}),
    ...(spec.categories?.length ? { categories: [...spec.categories] } : {}),
  };
}

/** Names another CRD holds: its accepted names, or its requested ones when it has no status yet. */
function heldNames(other: CustomResourceDefinition): CrdNames {
  const acc = other.status?.acceptedNames;
  return acc?.plural ? acc : namesOf(other);
}

function sameCrd(a: CustomResourceDefinition, b: CustomResourceDefinition): boolean {
  if (a.metadata?.uid && b.metadata?.uid) return a.metadata.uid === b.metadata.uid;
  return a.metadata?.name === b.metadata?.name;
}

export interface CrdStatusOptions {
  now?: Date;
}

function condition(prev: CrdCondition[], next: Omit<CrdCondition, 'lastTransitionTime'>, now: Date): CrdCondition {
  const old = prev.find((c) => c.type === next.type);
  const lastTransitionTime = old && old.status === next.status && old.lastTransitionTime ? old.lastTransitionTime : now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return { type: next.type, status: next.status, lastTransitionTime, reason: next.reason, message: next.message };
}

/**
 * The status of `crd` given the other CRDs of the workspace: NamesAccepted
 * (clash checks within the same group), Established, Terminating, acceptedNames
 * and storedVersions. Conditions keep their lastTransitionTime while unchanged.
 */
export function crdStatus(crd: CustomResourceDefinition, others: readonly CustomResourceDefinition[], opts: CrdStatusOptions = {}): Required<CrdStatus> {
  const now = opts.now ?? new Date();
  const group = crd.spec?.group;
  const prevStatus = crd.status ?? {};
  const prevConds = prevStatus.conditions ?? [];
  const accepted: CrdNames = prevStatus.acceptedNames ?? {};
  const requested = namesOf(crd);

  const resources = new Set<string>();
  const kinds = new Set<string>();
  for (const o of others) {
    if (sameCrd(o, crd) || o.spec?.group !== group) continue;
    const n = heldNames(o);
    for (const r of [n.plural, n.singular, ...(n.shortNames ?? [])]) if (r) resources.add(r);
    for (const k of [n.kind, n.listKind]) if (k) kinds.add(k);
  }
  // equalToAcceptedOrFresh: a name we already hold stays ours
  const fresh = (req: string | undefined, acc: string | undefined, used: Set<string>) => !req || req === acc || !used.has(req);

  const out: CrdNames = { ...accepted };
  let problem: { reason: string; message: string } | undefined;
  const fail = (reason: string, name: string) => {
    problem ??= { reason, message: `${JSON.stringify(name)} is already in use` };
  };
  if (fresh(requested.plural, accepted.plural, resources)) out.plural = requested.plural;
  else fail('PluralConflict', requested.plural!);
  if (fresh(requested.singular, accepted.singular, resources)) out.singular = requested.singular;
  else fail('SingularConflict', requested.singular!);
  const acceptedShort = new Set(accepted.shortNames ?? []);
  const badShort = (requested.shortNames ?? []).find((s) => !acceptedShort.has(s) && resources.has(s));
  if (badShort === undefined) {
    if (requested.shortNames) out.shortNames = requested.shortNames;
    else delete out.shortNames;
  } else fail('ShortNamesConflict', badShort);
  if (!fresh(requested.kind, accepted.kind, kinds)) fail('KindConflict', requested.kind!);
  else if (!fresh(requested.listKind, accepted.listKind, kinds)) fail('ListKindConflict', requested.listKind!);
  else {
    out.kind = requested.kind;
    out.listKind = requested.listKind;
  }
  if (requested.categories) out.categories = requested.categories;
  else delete out.categories;

  const conditions: CrdCondition[] = [];
  const namesAccepted = problem === undefined;
  conditions.push(
    condition(
      prevConds,
      namesAccepted
        ? { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' }
        : { type: 'NamesAccepted', status: 'False', reason: problem!.reason, message: problem!.message },
      now,
    ),
  );
  const wasEstablished = prevConds.some((c) => c.type === 'Established' && c.status === 'True');
  conditions.push(
    condition(
      prevConds,
      namesAccepted || wasEstablished
        ? { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' }
        : { type: 'Established', status: 'False', reason: 'NotAccepted', message: 'not all names are accepted' },
      now,
    ),
  );
  if (crd.metadata?.deletionTimestamp) {
    conditions.push(
      condition(prevConds, { type: 'Terminating', status: 'True', reason: 'InstanceDeletionInProgress', message: 'CustomResource deletion is in progress' }, now),
    );
  }

  const storedVersions = [...(prevStatus.storedVersions ?? [])];
  const storage = (crd.spec?.versions ?? []).find((v) => v.storage)?.name;
  if (storage && !storedVersions.includes(storage)) storedVersions.push(storage);

  return { conditions, acceptedNames: out, storedVersions };
}

export function crdConditionTrue(crd: CustomResourceDefinition, type: string): boolean {
  return (crd.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

/**
 * Whether the CRD's resources are served (§13 K3, §3 D5): Established, with
 * accepted names. Like the apiserver, an established CRD whose later name change
 * clashes (NamesAccepted=False) keeps serving under its previously accepted names.
 */
export function isCrdServing(crd: CustomResourceDefinition): boolean {
  const acc = crd.status?.acceptedNames;
  return crdConditionTrue(crd, 'Established') && !!acc?.plural && !!acc.kind;
}
