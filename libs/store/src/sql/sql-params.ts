/** Collects positional parameters while SQL text is assembled, so values never enter the text. */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  /** A jsonb parameter; pg would turn a JS array into a Postgres array, so stringify explicitly. */
  json(value: unknown): string {
    return `${this.add(JSON.stringify(value))}::jsonb`;
  }
}
