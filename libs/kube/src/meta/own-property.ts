/**
 * `obj[key] = value` as an own data property, "__proto__" included: JSON.parse makes that an own
 * key like any other, while assigning it would set the object's prototype (the key is lost and
 * whatever it held reads as inherited fields).
 */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}
