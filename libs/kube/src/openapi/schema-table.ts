// Compact field tables for the OpenAPI v3 schemas of kplane's built-in kinds
// (kubernetes-api.md §4 O5). Descriptions are kplane's own short wording.
//
// Field type mini-language:
//   s  b  i32  i64  bytes  obj (free-form object)      scalars
//   {s} {bytes}                                        maps of strings / base64 strings
//   [s] [@Ref]                                         lists
//   @Ref  @pkg.Ref                                     references (same package, or an alias below)

export type FieldSpec = [type: string, description: string];

export interface DefSpec {
  desc: string;
  fields?: Record<string, FieldSpec>;
  required?: string[];
  /** A scalar definition (meta.v1.Time): its schema instead of properties. */
  scalar?: Record<string, unknown>;
}

export const PKG_ALIASES: Record<string, string> = {
  meta: 'io.k8s.apimachinery.pkg.apis.meta.v1',
  core: 'io.k8s.api.core.v1',
  events: 'io.k8s.api.events.v1',
  coord: 'io.k8s.api.coordination.v1',
  rbac: 'io.k8s.api.rbac.v1',
  apiext: 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1',
  authz: 'io.k8s.api.authorization.v1',
  authn: 'io.k8s.api.authentication.v1',
};

/** Schema package of each built-in API group (per version `v1`). */
export const GROUP_PACKAGES: Record<string, string> = {
  '': 'io.k8s.api.core',
  'events.k8s.io': 'io.k8s.api.events',
  'coordination.k8s.io': 'io.k8s.api.coordination',
  'rbac.authorization.k8s.io': 'io.k8s.api.rbac',
  'apiextensions.k8s.io': 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions',
  'authorization.k8s.io': 'io.k8s.api.authorization',
  'authentication.k8s.io': 'io.k8s.api.authentication',
};

const REF_FIELDS: Record<string, FieldSpec> = {
  apiVersion: ['s', 'API version of the referenced object.'],
  kind: ['s', 'Kind of the referenced object.'],
  name: ['s', 'Name of the referenced object.'],
  namespace: ['s', 'Namespace of the referenced object, if it is namespaced.'],
  uid: ['s', 'UID of the referenced object.'],
};

const BINDING_FIELDS: Record<string, FieldSpec> = {
  subjects: ['[@Subject]', 'The users, groups and service accounts that receive the permissions of the role.'],
  roleRef: ['@RoleRef', 'The Role or ClusterRole granted by this binding. It cannot be changed after creation.'],
};

export const SCHEMA_TABLE: Record<string, Record<string, DefSpec>> = {
  [PKG_ALIASES.meta]: {
    ObjectMeta: {
      desc: 'Standard metadata that every persisted object carries, including the ones users create.',
      fields: {
        name: ['s', 'Name of the object, unique within its namespace (or the cluster for cluster-scoped kinds). Required on create unless generateName is set; it cannot be changed.'],
        generateName: ['s', 'Prefix the server uses to make up a unique name when name is empty.'],
        namespace: ['s', 'Namespace the object lives in. Empty for cluster-scoped kinds.'],
        uid: ['s', 'Unique identifier assigned by the server when the object is created. Read-only.'],
        resourceVersion: ['s', 'Opaque version of the object, used for optimistic concurrency and for watches. Read-only.'],
        generation: ['i64', 'Sequence number of changes to the desired state. Set by the server.'],
        creationTimestamp: ['@Time', 'Server time at which the object was created. Read-only.'],
        deletionTimestamp: ['@Time', 'Time after which the object goes away; set when a graceful deletion is requested. Read-only.'],
        deletionGracePeriodSeconds: ['i64', 'Seconds the object is allowed to terminate gracefully once deletion was requested. Read-only.'],
        labels: ['{s}', 'Key/value pairs used to organise and select objects.'],
        annotations: ['{s}', 'Unstructured key/value data kept with the object for tools and users; not used for selection.'],
        ownerReferences: ['[@OwnerReference]', 'Objects this object depends on. When every owner is gone, the object is garbage collected.'],
        finalizers: ['[s]', 'Names that must all be removed before the object is deleted from storage.'],
        managedFields: ['[@ManagedFieldsEntry]', 'Which managers own which fields, maintained by server-side apply. Mostly internal.'],
        selfLink: ['s', 'Deprecated and never set.'],
      },
    },
    ListMeta: {
      desc: 'Metadata of list responses.',
      fields: {
        resourceVersion: ['s', 'Version of the collection at the time it was listed; start a watch from here.'],
        continue: ['s', 'Token for the next page of a paginated list; empty on the last page.'],
        remainingItemCount: ['i64', 'Estimate of the items not yet returned when the list is paginated.'],
        selfLink: ['s', 'Deprecated and never set.'],
      },
    },
    OwnerReference: {
      desc: 'Points at an owning object in the same namespace (or a cluster-scoped owner).',
      fields: {
        ...REF_FIELDS,
        controller: ['b', 'True for the owner that manages this object; at most one owner may be the controller.'],
        blockOwnerDeletion: ['b', 'If true, foreground deletion of the owner waits for this object to be deleted.'],
      },
      required: ['apiVersion', 'kind', 'name', 'uid'],
    },
    ManagedFieldsEntry: {
      desc: 'Records the set of fields one field manager owns.',
      fields: {
        manager: ['s', 'Name of the field manager.'],
        operation: ['s', 'Apply or Update: the kind of operation that last changed the fields.'],
        apiVersion: ['s', 'API version the field set is expressed in.'],
        time: ['@Time', 'When the entry last changed.'],
        fieldsType: ['s', 'Format of fieldsV1; always "FieldsV1".'],
        fieldsV1: ['@FieldsV1', 'The owned fields, encoded as a tree.'],
        subresource: ['s', 'Subresource the write went to, or empty for the main resource.'],
      },
    },
    FieldsV1: { desc: 'A set of field paths encoded as a JSON tree.', scalar: { type: 'object' } },
    Time: { desc: 'Timestamp in RFC 3339 form with second precision, in UTC.', scalar: { type: 'string', format: 'date-time' } },
    MicroTime: { desc: 'Timestamp in RFC 3339 form with microsecond precision.', scalar: { type: 'string', format: 'date-time' } },
    LabelSelector: {
      desc: 'Selects objects by label; all given conditions must hold.',
      fields: {
        matchLabels: ['{s}', 'Labels that must be present with exactly these values.'],
        matchExpressions: ['[@LabelSelectorRequirement]', 'Set-based conditions on labels.'],
      },
    },
    LabelSelectorRequirement: {
      desc: 'One set-based label condition.',
      fields: {
        key: ['s', 'Label key the condition applies to.'],
        operator: ['s', 'One of In, NotIn, Exists, DoesNotExist.'],
        values: ['[s]', 'Values for In and NotIn; must be empty for Exists and DoesNotExist.'],
      },
      required: ['key', 'operator'],
    },
    Status: {
      desc: 'Result of an operation that does not return an object, and the body of every error.',
      fields: {
        apiVersion: ['s', 'API version of this object.'],
        kind: ['s', 'Always "Status".'],
        metadata: ['@ListMeta', 'List metadata.'],
        status: ['s', 'Success or Failure.'],
        message: ['s', 'Human-readable explanation.'],
        reason: ['s', 'Machine-readable reason such as NotFound or AlreadyExists.'],
        details: ['obj', 'Extra data about the reason, such as the name and kind involved.'],
        code: ['i32', 'HTTP status code of the operation.'],
      },
    },
    Patch: { desc: 'Patch body; its format is given by the Content-Type.', scalar: { type: 'object' } },
  },

  [PKG_ALIASES.core]: {
    ConfigMap: {
      desc: 'Non-confidential configuration data as key/value pairs.',
      fields: {
        data: ['{s}', 'UTF-8 configuration values by key. Keys consist of letters, digits, "-", "_" and "."; they must not also appear in binaryData.'],
        binaryData: ['{bytes}', 'Binary values by key, base64 encoded in JSON. Keys must not also appear in data.'],
        immutable: ['b', 'When true, data and binaryData can no longer be changed; only metadata can.'],
      },
    },
    Secret: {
      desc: 'Holds a small amount of sensitive data such as a password, token or key.',
      fields: {
        data: ['{bytes}', 'Secret values by key, base64 encoded in JSON.'],
        stringData: ['{s}', 'Write-only convenience field: plain-text values merged into data on write. Never returned on reads.'],
        type: ['s', 'Used to handle the secret programmatically, e.g. Opaque (the default), kubernetes.io/tls or kubernetes.io/service-account-token.'],
        immutable: ['b', 'When true, data can no longer be changed; only metadata can.'],
      },
    },
    Namespace: {
      desc: 'A scope for names; namespaced objects live inside one.',
      fields: {
        spec: ['@NamespaceSpec', 'Desired behaviour of the namespace.'],
        status: ['@NamespaceStatus', 'Observed state of the namespace. Read-only.'],
      },
    },
    NamespaceSpec: {
      desc: 'Desired behaviour of a namespace.',
      fields: { finalizers: ['[s]', 'Names that must be cleared (through the finalize subresource) before the namespace is removed.'] },
    },
    NamespaceStatus: {
      desc: 'Observed state of a namespace.',
      fields: {
        phase: ['s', 'Active, or Terminating once deletion has started.'],
        conditions: ['[@NamespaceCondition]', 'Latest observations about the namespace, mostly about its deletion.'],
      },
    },
    NamespaceCondition: {
      desc: 'One observation about a namespace.',
      fields: {
        type: ['s', 'Kind of condition.'],
        status: ['s', 'True, False or Unknown.'],
        reason: ['s', 'One-word, CamelCase reason for the last transition.'],
        message: ['s', 'Human-readable details.'],
        lastTransitionTime: ['@meta.Time', 'When the status last changed.'],
      },
      required: ['type', 'status'],
    },
    ServiceAccount: {
      desc: 'An identity for processes that talk to the API server.',
      fields: {
        secrets: ['[@ObjectReference]', 'Secrets in the same namespace that pods using this account may use. Legacy; prefer token requests.'],
        imagePullSecrets: ['[@LocalObjectReference]', 'Secrets used to pull images for pods that use this account.'],
        automountServiceAccountToken: ['b', 'Whether pods using this account get an API token mounted automatically.'],
      },
    },
    ObjectReference: {
      desc: 'Enough information to find another object.',
      fields: {
        ...REF_FIELDS,
        resourceVersion: ['s', 'Specific resourceVersion the reference is about, if any.'],
        fieldPath: ['s', 'Part of the object the reference is about, e.g. spec.containers{web}.'],
      },
    },
    LocalObjectReference: {
      desc: 'Names another object in the same namespace.',
      fields: { name: ['s', 'Name of the referenced object.'] },
    },
    Event: {
      desc: 'A report of something that happened in the cluster, attached to the object it concerns.',
      fields: {
        involvedObject: ['@ObjectReference', 'The object this event is about.'],
        reason: ['s', 'Short, CamelCase, machine-readable cause of the event.'],
        message: ['s', 'Human-readable description.'],
        source: ['@EventSource', 'The component that reported the event.'],
        firstTimestamp: ['@meta.Time', 'When the event was first recorded.'],
        lastTimestamp: ['@meta.Time', 'When the event was most recently recorded.'],
        count: ['i32', 'How many times the event has happened.'],
        type: ['s', 'Normal or Warning.'],
        eventTime: ['@meta.MicroTime', 'When the event was first observed, with microsecond precision.'],
        series: ['@EventSeries', 'Data about a series of repeated events, if any.'],
        action: ['s', 'What was done or failed regarding the object.'],
        related: ['@ObjectReference', 'A second object involved, if any.'],
        reportingComponent: ['s', 'Controller that emitted the event, e.g. kubernetes.io/kubelet.'],
        reportingInstance: ['s', 'Instance of the reporting controller, e.g. a host name.'],
      },
      required: ['metadata', 'involvedObject'],
    },
    EventSource: {
      desc: 'Who reported an event.',
      fields: { component: ['s', 'Reporting component.'], host: ['s', 'Node the event came from.'] },
    },
    EventSeries: {
      desc: 'A series of repeated events.',
      fields: { count: ['i32', 'Occurrences in the series so far.'], lastObservedTime: ['@meta.MicroTime', 'Time of the latest occurrence.'] },
    },
  },

  [PKG_ALIASES.events]: {
    Event: {
      desc: 'A report of something that happened in the cluster (the events.k8s.io form, which shares storage with core events).',
      fields: {
        eventTime: ['@meta.MicroTime', 'When the event was first observed. Required.'],
        series: ['@EventSeries', 'Data about a series of repeated events, if this event is part of one.'],
        reportingController: ['s', 'Controller that emitted the event, e.g. kubernetes.io/kubelet. Required for new events.'],
        reportingInstance: ['s', 'Instance of the reporting controller. Required for new events.'],
        action: ['s', 'What was done or failed regarding the regarding object; machine-readable.'],
        reason: ['s', 'Why the action was taken; machine-readable.'],
        regarding: ['@core.ObjectReference', 'The object this event is about.'],
        related: ['@core.ObjectReference', 'A second object involved, if any.'],
        note: ['s', 'Human-readable description of what happened.'],
        type: ['s', 'Normal or Warning.'],
        deprecatedSource: ['@core.EventSource', 'The core/v1 source field, kept for compatibility.'],
        deprecatedFirstTimestamp: ['@meta.Time', 'The core/v1 firstTimestamp field, kept for compatibility.'],
        deprecatedLastTimestamp: ['@meta.Time', 'The core/v1 lastTimestamp field, kept for compatibility.'],
        deprecatedCount: ['i32', 'The core/v1 count field, kept for compatibility.'],
      },
      required: ['eventTime'],
    },
    EventSeries: {
      desc: 'A series of repeated events.',
      fields: { count: ['i32', 'Occurrences in the series so far.'], lastObservedTime: ['@meta.MicroTime', 'Time of the latest occurrence.'] },
      required: ['count', 'lastObservedTime'],
    },
  },

  [PKG_ALIASES.coord]: {
    Lease: {
      desc: 'A lease, used for leader election and heartbeats.',
      fields: { spec: ['@LeaseSpec', 'The lease data.'] },
    },
    LeaseSpec: {
      desc: 'Who holds a lease and for how long.',
      fields: {
        holderIdentity: ['s', 'Identity of the current holder.'],
        leaseDurationSeconds: ['i32', 'How long candidates wait after the last renewal before taking the lease over.'],
        acquireTime: ['@meta.MicroTime', 'When the current holder acquired the lease.'],
        renewTime: ['@meta.MicroTime', 'When the current holder last renewed the lease.'],
        leaseTransitions: ['i32', 'How many times the lease changed holders.'],
        strategy: ['s', 'How a coordinated leader election picks the holder (alpha).'],
        preferredHolder: ['s', 'Holder a coordinated leader election would like to hand over to (alpha).'],
      },
    },
  },

  [PKG_ALIASES.rbac]: {
    Role: {
      desc: 'A namespaced set of permissions, granted through a RoleBinding.',
      fields: { rules: ['[@PolicyRule]', 'The permissions of this role.'] },
    },
    ClusterRole: {
      desc: 'A cluster-wide set of permissions, granted through a ClusterRoleBinding or a RoleBinding.',
      fields: {
        rules: ['[@PolicyRule]', 'The permissions of this role.'],
        aggregationRule: ['@AggregationRule', 'If set, rules are computed by the controller from the selected ClusterRoles.'],
      },
    },
    PolicyRule: {
      desc: 'One permission: some verbs on some resources or non-resource URLs.',
      fields: {
        verbs: ['[s]', 'Allowed verbs, such as get, list or create; "*" allows all.'],
        apiGroups: ['[s]', 'API groups of the resources; "" is the core group and "*" is every group.'],
        resources: ['[s]', 'Resources the rule applies to, with "resource/subresource" for subresources; "*" is all.'],
        resourceNames: ['[s]', 'Optional list of object names the rule is limited to.'],
        nonResourceURLs: ['[s]', 'URL paths such as /healthz (ClusterRoles only); a trailing "*" is a prefix match.'],
      },
      required: ['verbs'],
    },
    AggregationRule: {
      desc: 'How a ClusterRole is built from others.',
      fields: { clusterRoleSelectors: ['[@meta.LabelSelector]', 'ClusterRoles matching any selector contribute their rules.'] },
    },
    RoleBinding: { desc: 'Grants a Role or ClusterRole to subjects within one namespace.', fields: BINDING_FIELDS, required: ['roleRef'] },
    ClusterRoleBinding: { desc: 'Grants a ClusterRole to subjects across the whole cluster.', fields: BINDING_FIELDS, required: ['roleRef'] },
    Subject: {
      desc: 'A user, group or service account a binding applies to.',
      fields: {
        kind: ['s', 'User, Group or ServiceAccount.'],
        apiGroup: ['s', 'rbac.authorization.k8s.io for users and groups, "" for service accounts.'],
        name: ['s', 'Name of the subject.'],
        namespace: ['s', 'Namespace of a service account subject.'],
      },
      required: ['kind', 'name'],
    },
    RoleRef: {
      desc: 'The role a binding grants.',
      fields: { apiGroup: ['s', 'Group of the role, rbac.authorization.k8s.io.'], kind: ['s', 'Role or ClusterRole.'], name: ['s', 'Name of the role.'] },
      required: ['apiGroup', 'kind', 'name'],
    },
  },

  [PKG_ALIASES.apiext]: {
    CustomResourceDefinition: {
      desc: 'Declares a custom resource type that the API server then serves. The name must be <plural>.<group>.',
      fields: {
        spec: ['@CustomResourceDefinitionSpec', 'The type to serve.'],
        status: ['@CustomResourceDefinitionStatus', 'Observed state of the definition. Read-only.'],
      },
      required: ['spec'],
    },
    CustomResourceDefinitionSpec: {
      desc: 'The custom type to serve.',
      fields: {
        group: ['s', 'API group of the type, a DNS subdomain with at least one dot.'],
        names: ['@CustomResourceDefinitionNames', 'Names used in URLs, discovery and kubectl.'],
        scope: ['s', 'Namespaced or Cluster.'],
        versions: ['[@CustomResourceDefinitionVersion]', 'Served versions; exactly one is the storage version.'],
        conversion: ['obj', 'How objects are converted between versions (None or Webhook).'],
        preserveUnknownFields: ['b', 'Legacy switch; must be false in v1.'],
      },
      required: ['group', 'names', 'scope', 'versions'],
    },
    CustomResourceDefinitionNames: {
      desc: 'Names of a custom type.',
      fields: {
        plural: ['s', 'Plural, lower-case name used in URLs.'],
        singular: ['s', 'Singular, lower-case name; defaults to the lower-cased kind.'],
        kind: ['s', 'CamelCase kind of the objects.'],
        listKind: ['s', 'Kind of list responses; defaults to <kind>List.'],
        shortNames: ['[s]', 'Short aliases usable in kubectl.'],
        categories: ['[s]', 'Groups of resources this one belongs to, such as "all".'],
      },
      required: ['plural', 'kind'],
    },
    CustomResourceDefinitionVersion: {
      desc: 'One version of a custom type.',
      fields: {
        name: ['s', 'Version name such as v1 or v1beta1.'],
        served: ['b', 'Whether the version is served over REST.'],
        storage: ['b', 'Whether objects are stored in this version; exactly one version sets it.'],
        deprecated: ['b', 'Whether the version is deprecated; requests then get a warning.'],
        deprecationWarning: ['s', 'Overrides the default deprecation warning.'],
        schema: ['obj', 'Validation schema, with an openAPIV3Schema.'],
        subresources: ['obj', 'Status and scale subresources of the version.'],
        additionalPrinterColumns: ['[obj]', 'Extra columns for kubectl get.'],
        selectableFields: ['[obj]', 'Extra fields usable in field selectors.'],
      },
      required: ['name', 'served', 'storage'],
    },
    CustomResourceDefinitionStatus: {
      desc: 'Observed state of a custom resource definition.',
      fields: {
        conditions: ['[obj]', 'Latest observations, such as Established and NamesAccepted.'],
        acceptedNames: ['@CustomResourceDefinitionNames', 'The names actually being served.'],
        storedVersions: ['[s]', 'Versions that objects have ever been stored in.'],
      },
    },
  },

  [PKG_ALIASES.authz]: {
    SelfSubjectAccessReview: {
      desc: 'Asks whether the caller may perform an action. Answered immediately, never stored.',
      fields: {
        spec: ['@SelfSubjectAccessReviewSpec', 'The action to check.'],
        status: ['@SubjectAccessReviewStatus', 'The answer, filled in by the server.'],
      },
      required: ['spec'],
    },
    SelfSubjectAccessReviewSpec: {
      desc: 'The action to check; set exactly one of the two attributes.',
      fields: {
        resourceAttributes: ['@ResourceAttributes', 'A request on an API resource.'],
        nonResourceAttributes: ['@NonResourceAttributes', 'A request on a non-resource URL.'],
      },
    },
    ResourceAttributes: {
      desc: 'A request on an API resource.',
      fields: {
        namespace: ['s', 'Namespace of the request; empty means all namespaces for namespaced kinds.'],
        verb: ['s', 'Verb such as get, list or create; "*" means all.'],
        group: ['s', 'API group; "*" means all.'],
        version: ['s', 'API version; "*" means all.'],
        resource: ['s', 'Resource; "*" means all.'],
        subresource: ['s', 'Subresource, if any.'],
        name: ['s', 'Object name; empty means all.'],
      },
    },
    NonResourceAttributes: {
      desc: 'A request on a non-resource URL.',
      fields: { path: ['s', 'URL path.'], verb: ['s', 'HTTP verb, lower case.'] },
    },
    SubjectAccessReviewStatus: {
      desc: 'The authorization decision.',
      fields: {
        allowed: ['b', 'Whether the action is allowed.'],
        denied: ['b', 'Whether the action is explicitly denied.'],
        reason: ['s', 'Why the decision was made.'],
        evaluationError: ['s', 'Problems met while deciding, if any.'],
      },
      required: ['allowed'],
    },
    SelfSubjectRulesReview: {
      desc: 'Lists what the caller may do in a namespace. Answered immediately, never stored.',
      fields: {
        spec: ['@SelfSubjectRulesReviewSpec', 'The namespace to list rules for.'],
        status: ['@SubjectRulesReviewStatus', 'The rules, filled in by the server.'],
      },
      required: ['spec'],
    },
    SelfSubjectRulesReviewSpec: { desc: 'Where to list rules.', fields: { namespace: ['s', 'Namespace to evaluate the rules in.'] } },
    SubjectRulesReviewStatus: {
      desc: 'The rules that apply to the caller.',
      fields: {
        resourceRules: ['[obj]', 'Allowed actions on resources.'],
        nonResourceRules: ['[obj]', 'Allowed actions on non-resource URLs.'],
        incomplete: ['b', 'True when the list may be missing rules.'],
        evaluationError: ['s', 'Problems met while evaluating, if any.'],
      },
      required: ['resourceRules', 'nonResourceRules', 'incomplete'],
    },
  },

  [PKG_ALIASES.authn]: {
    SelfSubjectReview: {
      desc: 'Returns the caller\'s own identity as the server sees it. Answered immediately, never stored.',
      fields: { status: ['@SelfSubjectReviewStatus', 'The identity, filled in by the server.'] },
    },
    SelfSubjectReviewStatus: { desc: 'The caller\'s identity.', fields: { userInfo: ['@UserInfo', 'User attributes.'] } },
    UserInfo: {
      desc: 'Attributes of an authenticated user.',
      fields: {
        username: ['s', 'User name.'],
        uid: ['s', 'Unique user identifier.'],
        groups: ['[s]', 'Groups the user belongs to.'],
        extra: ['obj', 'Other attributes from the authenticator.'],
      },
    },
  },
};
