export { decodeProtobufObject, peekProtobufTypeMeta, isProtobufKindSupported, PROTOBUF_CONTENT_TYPE, PROTOBUF_MAGIC } from './protobuf-decoder';
export type { ProtobufTypeMeta } from './protobuf-decoder';
export { PROTOBUF_KINDS } from './k8s-proto-schema';
