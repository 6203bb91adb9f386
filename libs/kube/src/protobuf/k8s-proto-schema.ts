// Compact description of the protobuf messages kplane decodes, written from
// the public Kubernetes API field numbers (k8s.io/api, apimachinery). Syntax
// per field: `name=id[:type][?]`.
//   type: string (default) | int32 | int64 | bool | bytes | <Message>
//         `[]T` repeated, `{}T` map<string, T>
//   `?`  the Go field is a pointer: keep it when present even if zero, instead
//        of applying the omitempty zero-value drop.
// Special messages converted by the decoder: Time, MicroTime, FieldsV1,
// RawExtension, Quantity, IntOrString.

export const MESSAGES: Record<string, string> = {
  // runtime
  TypeMeta: 'apiVersion=1 kind=2',
  Unknown: 'typeMeta=1:TypeMeta raw=2:bytes contentEncoding=3 contentType=4',
  RawExtension: 'raw=1:bytes',
  // api/resource, util/intstr
  Quantity: 'string=1',
  IntOrString: 'type=1:int64 intVal=2:int32 strVal=3',
  // meta/v1
  Time: 'seconds=1:int64 nanos=2:int32',
  MicroTime: 'seconds=1:int64 nanos=2:int32',
  FieldsV1: 'Raw=1:bytes',
  ObjectMeta:
    'name=1 generateName=2 namespace=3 selfLink=4 uid=5 resourceVersion=6 generation=7:int64 ' +
    'creationTimestamp=8:Time deletionTimestamp=9:Time deletionGracePeriodSeconds=10:int64? ' +
    'labels=11:{}string annotations=12:{}string ownerReferences=13:[]OwnerReference finalizers=14:[]string ' +
    'managedFields=17:[]ManagedFieldsEntry',
  OwnerReference: 'kind=1 name=3 uid=4 apiVersion=5 controller=6:bool? blockOwnerDeletion=7:bool?',
  ManagedFieldsEntry: 'manager=1 operation=2 apiVersion=3 time=4:Time fieldsType=6 fieldsV1=7:FieldsV1 subresource=8',
  LabelSelector: 'matchLabels=1:{}string matchExpressions=2:[]LabelSelectorRequirement',
  LabelSelectorRequirement: 'key=1 operator=2 values=3:[]string',
  // core/v1
  Namespace: 'metadata=1:ObjectMeta spec=2:NamespaceSpec status=3:NamespaceStatus',
  NamespaceSpec: 'finalizers=1:[]string',
  NamespaceStatus: 'phase=1 conditions=2:[]NamespaceCondition',
  NamespaceCondition: 'type=1 status=2 lastTransitionTime=4:Time reason=5 message=6',
  ConfigMap: 'metadata=1:ObjectMeta data=2:{}string binaryData=3:{}bytes immutable=4:bool?',
  Secret: 'metadata=1:ObjectMeta data=2:{}bytes type=3 stringData=4:{}string immutable=5:bool?',
  ServiceAccount:
    'metadata=1:ObjectMeta secrets=2:[]ObjectReference imagePullSecrets=3:[]LocalObjectReference automountServiceAccountToken=4:bool?',
  ObjectReference: 'kind=1 namespace=2 name=3 uid=4 apiVersion=5 resourceVersion=6 fieldPath=7',
  LocalObjectReference: 'name=1',
  Event:
    'metadata=1:ObjectMeta involvedObject=2:ObjectReference reason=3 message=4 source=5:EventSource ' +
    'firstTimestamp=6:Time lastTimestamp=7:Time count=8:int32 type=9 eventTime=10:MicroTime series=11:EventSeries ' +
    'action=12 related=13:ObjectReference reportingComponent=14 reportingInstance=15',
  EventSource: 'component=1 host=2',
  EventSeries: 'count=1:int32 lastObservedTime=2:MicroTime',
  // rbac/v1
  PolicyRule: 'verbs=1:[]string apiGroups=2:[]string resources=3:[]string resourceNames=4:[]string nonResourceURLs=5:[]string',
  Role: 'metadata=1:ObjectMeta rules=2:[]PolicyRule',
  ClusterRole: 'metadata=1:ObjectMeta rules=2:[]PolicyRule aggregationRule=3:AggregationRule',
  AggregationRule: 'clusterRoleSelectors=1:[]LabelSelector',
  Subject: 'kind=1 apiGroup=2 name=3 namespace=4',
  RoleRef: 'apiGroup=1 kind=2 name=3',
  RoleBinding: 'metadata=1:ObjectMeta subjects=2:[]Subject roleRef=3:RoleRef',
  ClusterRoleBinding: 'metadata=1:ObjectMeta subjects=2:[]Subject roleRef=3:RoleRef',
  // authorization/v1
  SelfSubjectAccessReview: 'metadata=1:ObjectMeta spec=2:SelfSubjectAccessReviewSpec status=3:SubjectAccessReviewStatus',
  SelfSubjectAccessReviewSpec: 'resourceAttributes=1:ResourceAttributes nonResourceAttributes=2:NonResourceAttributes',
  ResourceAttributes:
    'namespace=1 verb=2 group=3 version=4 resource=5 subresource=6 name=7 ' +
    'fieldSelector=8:FieldSelectorAttributes labelSelector=9:LabelSelectorAttributes',
  FieldSelectorAttributes: 'rawSelector=1 requirements=2:[]FieldSelectorRequirement',
  FieldSelectorRequirement: 'key=1 operator=2 values=3:[]string',
  LabelSelectorAttributes: 'rawSelector=1 requirements=2:[]LabelSelectorRequirement',
  NonResourceAttributes: 'path=1 verb=2',
  SubjectAccessReviewStatus: 'allowed=1:bool reason=2 evaluationError=3 denied=4:bool',
  SelfSubjectRulesReview: 'metadata=1:ObjectMeta spec=2:SelfSubjectRulesReviewSpec status=3:SubjectRulesReviewStatus',
  SelfSubjectRulesReviewSpec: 'namespace=1',
  SubjectRulesReviewStatus: 'resourceRules=1:[]ResourceRule nonResourceRules=2:[]NonResourceRule incomplete=3:bool evaluationError=4',
  ResourceRule: 'verbs=1:[]string apiGroups=2:[]string resources=3:[]string resourceNames=4:[]string',
  NonResourceRule: 'verbs=1:[]string nonResourceURLs=2:[]string',
  // authentication/v1
  SelfSubjectReview: 'metadata=1:ObjectMeta status=2:SelfSubjectReviewStatus',
  SelfSubjectReviewStatus: 'userInfo=1:UserInfo',
  UserInfo: 'username=1 uid=2 groups=3:[]string extra=4:{}ExtraValue',
  ExtraValue: 'items=1:[]string',
  TokenRequest: 'metadata=1:ObjectMeta spec=2:TokenRequestSpec status=3:TokenRequestStatus',
  TokenRequestSpec: 'audiences=1:[]string boundObjectRef=3:BoundObjectReference expirationSeconds=4:int64?',
  BoundObjectReference: 'kind=1 apiVersion=2 name=3 uid=4',
  TokenRequestStatus: 'token=1 expirationTimestamp=2:Time',
  // coordination/v1
  Lease: 'metadata=1:ObjectMeta spec=2:LeaseSpec',
  LeaseSpec:
    'holderIdentity=1? leaseDurationSeconds=2:int32? acquireTime=3:MicroTime? renewTime=4:MicroTime? ' +
    'leaseTransitions=5:int32? strategy=6? preferredHolder=7?',
};

/** Top-level kinds accepted in a protobuf body, keyed by `apiVersion/Kind`. */
export const PROTOBUF_KINDS: Record<string, string> = {
  'v1/Namespace': 'Namespace',
  'v1/ConfigMap': 'ConfigMap',
  'v1/Secret': 'Secret',
  'v1/ServiceAccount': 'ServiceAccount',
  'v1/Event': 'Event',
  'rbac.authorization.k8s.io/v1/Role': 'Role',
  'rbac.authorization.k8s.io/v1/RoleBinding': 'RoleBinding',
  'rbac.authorization.k8s.io/v1/ClusterRole': 'ClusterRole',
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': 'ClusterRoleBinding',
  'authorization.k8s.io/v1/SelfSubjectAccessReview': 'SelfSubjectAccessReview',
  'authorization.k8s.io/v1/SelfSubjectRulesReview': 'SelfSubjectRulesReview',
  'authentication.k8s.io/v1/SelfSubjectReview': 'SelfSubjectReview',
  'authentication.k8s.io/v1/TokenRequest': 'TokenRequest',
  'coordination.k8s.io/v1/Lease': 'Lease',
};
