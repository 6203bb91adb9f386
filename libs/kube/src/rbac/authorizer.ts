import { labelSelectorMatches } from './label-selector';
import {
  AuthorizationDecision,
  ClusterRole,
  ClusterRoleBinding,
  isResourceAttributes,
  NonResourceRuleInfo,
  PolicyRule,
  RbacState,
  RequestAttributes,
  ResourceRuleInfo,
  RoleBinding,
  RoleRef,
  RulesForResult,
  Subject,
  UserInfo,
} from './rbac.types';

// The RBAC authorizer of kube-apiserver (plugin/pkg/auth/authorizer/rbac and
// pkg/registry/rbac/validation) as pure functions: ClusterRoleBindings first,
// then the RoleBindings of the request namespace; the first rule that allows
// wins. RBAC never denies, it only has no opinion.

export const SERVICE_ACCOUNT_USERNAME_PREFIX = 'system:serviceaccount:';

export function serviceAccountUsername(namespace: string, name: string): string {
  return `${SERVICE_ACCOUNT_USERNAME_PREFIX}${namespace}:${name}`;
}

// ---- rule matching (rbacv1helpers) ----

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return (rule.verbs ?? []).some((v) => v === '*' || v === verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return (rule.apiGroups ?? []).some((g) => g === '*' || g === group);
}

export function resourceMatches(rule: PolicyRule, combinedResource: string, subresource: string): boolean {
  for (const r of rule.resources ?? []) {
    if (r === '*' || r === combinedResource) return true;
    if (!subresource) continue;
    // `*/scale` matches the scale subresource of every resource
    if (r.length === subresource.length + 2 && r.startsWith('*/') && r.endsWith(subresource)) return true;
  }
  return false;
}

export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs ?? []) {
    if (u === '*' || u === path) return true;
    if (u.endsWith('*') && path.startsWith(u.replace(/\*+$/, ''))) return true;
  }
  return false;
}

/** rbac.RuleAllows */
export function ruleAllows(attrs: RequestAttributes, rule: PolicyRule): boolean {
  if (isResourceAttributes(attrs)) {
    const sub = attrs.subresource ?? '';
    const combined = sub ? `${attrs.resource}/${sub}` : attrs.resource;
    return (
      verbMatches(rule, attrs.verb) &&
      apiGroupMatches(rule, attrs.group ?? '') &&
      resourceMatches(rule, combined, sub) &&
      resourceNameMatches(rule, attrs.name ?? '')
    );
  }
  return verbMatches(rule, attrs.verb) && nonResourceURLMatches(rule, attrs.path);
}

// ---- subjects ----

/** `appliesToUser`; `namespace` is the binding's namespace ('' for ClusterRoleBindings). */
export function subjectAppliesTo(user: UserInfo, subject: Subject, namespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.username === subject.name;
    case 'Group':
      return (user.groups ?? []).includes(subject.name);
    case 'ServiceAccount': {
      const ns = subject.namespace || namespace;
      if (!ns) return false;
      return user.username === serviceAccountUsername(ns, subject.name);
    }
    default:
      return false;
  }
}

function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount') {
    return `${s.kind} ${JSON.stringify(`${s.name}/${s.namespace || bindingNamespace}`)}`;
  }
  return `${s.kind} ${JSON.stringify(s.name)}`;
}

// ---- aggregation (the clusterrole-aggregation controller, computed on read) ----

function normRule(r: PolicyRule): string {
  const arr = (a?: string[]) => (a && a.length ? a : []);
  return JSON.stringify([arr(r.verbs), arr(r.apiGroups), arr(r.resources), arr(r.resourceNames), arr(r.nonResourceURLs)]);
}

/**
 * The rules a ClusterRole grants: its own rules, or for a role with an
 * aggregationRule the union of the rules of every other ClusterRole whose
 * labels match one of the selectors (by selector, then by name; transitive,
 * deduplicated), exactly what the aggregation controller writes into it.
 */
export function effectiveClusterRoleRules(role: ClusterRole, clusterRoles: readonly ClusterRole[]): PolicyRule[] {
  return effective(role, clusterRoles, new Set());
}

function effective(role: ClusterRole, all: readonly ClusterRole[], visiting: Set<string>): PolicyRule[] {
  if (!role.aggregationRule) return role.rules ?? [];
  const name = role.metadata.name;
  if (visiting.has(name)) return role.rules ?? [];
  visiting.add(name);
  const out: PolicyRule[] = [];
  const seen = new Set<string>();
  const sorted = [...all].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
  for (const selector of role.aggregationRule.clusterRoleSelectors ?? []) {
    for (const other of sorted) {
      if (other.metadata.name === name) continue;
      if (!labelSelectorMatches(selector, other.metadata.labels)) continue;
      for (const rule of effective(other, all, visiting)) {
        const key = normRule(rule);
        if (!seen.has(key)) {
          seen.add(key);
          out.push(rule);
        }
      }
    }
  }
  visiting.delete(name);
  return out;
}

/** Returns copies of the ClusterRoles with aggregated `rules` filled in (what `kubectl get clusterrole admin -o yaml` shows). */
export function aggregateClusterRoles<T extends ClusterRole>(clusterRoles: readonly T[]): T[] {
  return clusterRoles.map((r) => (r.aggregationRule ? { ...r, rules: effectiveClusterRoleRules(r, clusterRoles) } : r));
}

// ---- visiting rules ----

type Visitor = (source: string | null, rule: PolicyRule | null, err: string | null) => boolean;

function roleReferenceRules(ref: RoleRef, bindingNamespace: string, rbac: RbacState): { rules?: PolicyRule[]; err?: string } {
  if (ref.kind === 'Role') {
    const role = rbac.roles.find((r) => r.metadata.name === ref.name && (r.metadata.namespace ?? '') === bindingNamespace);
    if (!role) return { err: `role.rbac.authorization.k8s.io ${JSON.stringify(ref.name)} not found` };
    return { rules: role.rules ?? [] };
  }
  if (ref.kind === 'ClusterRole') {
    const role = rbac.clusterRoles.find((r) => r.metadata.name === ref.name);
    if (!role) return { err: `clusterrole.rbac.authorization.k8s.io ${JSON.stringify(ref.name)} not found` };
    return { rules: effectiveClusterRoleRules(role, rbac.clusterRoles) };
  }
  return { err: `unsupported role reference kind: ${JSON.stringify(ref.kind)}` };
}

function firstApplyingSubject(user: UserInfo, subjects: Subject[] | null | undefined, ns: string): Subject | undefined {
  return (subjects ?? []).find((s) => subjectAppliesTo(user, s, ns));
}

/** DefaultRuleResolver.VisitRulesFor; stops when the visitor returns false. */
export function visitRulesFor(user: UserInfo, namespace: string, rbac: RbacState, visitor: Visitor): void {
  const crbs: ClusterRoleBinding[] = rbac.clusterRoleBindings ?? [];
  for (const b of crbs) {
    const subject = firstApplyingSubject(user, b.subjects, '');
    if (!subject) continue;
    const { rules, err } = roleReferenceRules(b.roleRef, '', rbac);
    if (err !== undefined) {
      if (!visitor(null, null, err)) return;
      continue;
    }
    const source = `ClusterRoleBinding ${JSON.stringify(b.metadata.name)} of ${b.roleRef.kind} ${JSON.stringify(b.roleRef.name)} to ${describeSubject(subject, '')}`;
    for (const rule of rules!) if (!visitor(source, rule, null)) return;
  }
  if (!namespace) return;
  const rbs: RoleBinding[] = (rbac.roleBindings ?? []).filter((b) => (b.metadata.namespace ?? '') === namespace);
  for (const b of rbs) {
    const subject = firstApplyingSubject(user, b.subjects, namespace);
    if (!subject) continue;
    const { rules, err } = roleReferenceRules(b.roleRef, namespace, rbac);
    if (err !== undefined) {
      if (!visitor(null, null, err)) return;
      continue;
    }
    const source = `RoleBinding ${JSON.stringify(`${b.metadata.name}/${namespace}`)} of ${b.roleRef.kind} ${JSON.stringify(b.roleRef.name)} to ${describeSubject(subject, namespace)}`;
    for (const rule of rules!) if (!visitor(source, rule, null)) return;
  }
}

/** utilerrors.NewAggregate(errs).Error() */
export function aggregateErrorMessage(errs: readonly string[]): string {
  if (errs.length === 0) return '';
  if (errs.length === 1) return errs[0];
  const uniq = [...new Set(errs)];
  return uniq.length === 1 ? uniq[0] : `[${uniq.join(', ')}]`;
}

/** RBACAuthorizer.Authorize: allowed with `RBAC: allowed by ...`, otherwise not allowed (no opinion). */
export function authorize(user: UserInfo, attrs: RequestAttributes, rbac: RbacState): AuthorizationDecision {
  const namespace = isResourceAttributes(attrs) ? (attrs.namespace ?? '') : '';
  let allowedBy: string | null = null;
  const errors: string[] = [];
  visitRulesFor(user, namespace, rbac, (source, rule, err) => {
    if (rule && ruleAllows(attrs, rule)) {
      allowedBy = source;
      return false;
    }
    if (err !== null) errors.push(err);
    return true;
  });
  if (allowedBy !== null) return { allowed: true, reason: `RBAC: allowed by ${allowedBy}` };
  if (errors.length > 0) {
    const agg = aggregateErrorMessage(errors);
    return { allowed: false, reason: `RBAC: ${agg}`, evaluationError: agg };
  }
  return { allowed: false, reason: '' };
}

/** Convenience: `authorize(...).allowed`. */
export function isAllowed(user: UserInfo, attrs: RequestAttributes, rbac: RbacState): boolean {
  return authorize(user, attrs, rbac).allowed;
}

/** RBACAuthorizer.RulesFor: every rule granted in `namespace` (cluster-wide ones first), as SelfSubjectRulesReview lists them. */
export function rulesFor(user: UserInfo, namespace: string, rbac: RbacState): RulesForResult {
  const resourceRules: ResourceRuleInfo[] = [];
  const nonResourceRules: NonResourceRuleInfo[] = [];
  const errors: string[] = [];
  visitRulesFor(user, namespace, rbac, (_source, rule, err) => {
    if (err !== null) errors.push(err);
    if (rule) {
      if (rule.resources && rule.resources.length > 0) {
        const r: ResourceRuleInfo = { verbs: [...(rule.verbs ?? [])] };
        if (rule.apiGroups && rule.apiGroups.length) r.apiGroups = [...rule.apiGroups];
        r.resources = [...rule.resources];
        if (rule.resourceNames && rule.resourceNames.length) r.resourceNames = [...rule.resourceNames];
        resourceRules.push(r);
      }
      if (rule.nonResourceURLs && rule.nonResourceURLs.length > 0) {
        nonResourceRules.push({ verbs: [...(rule.verbs ?? [])], nonResourceURLs: [...rule.nonResourceURLs] });
      }
    }
    return true;
  });
  const out: RulesForResult = { resourceRules, nonResourceRules, incomplete: false };
  if (errors.length) out.evaluationError = aggregateErrorMessage(errors);
  return out;
}

