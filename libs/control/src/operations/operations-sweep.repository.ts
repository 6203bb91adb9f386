import { DataSource } from 'typeorm';
import type { OperationType } from './operation.entity';

export interface StaleOperation {
  id: string;
  type: OperationType;
  status: 'Queued' | 'Running';
}

/**
 * The sweeper's view of operations: Queued or Running ones nobody has touched since `olderThan`
 * (neither recorded, started, retried nor finished), oldest first. Uses operations_queued_idx.
 */
export class OperationsSweepRepository {
  constructor(private readonly ds: DataSource) {}

  async findStaleInFlight(olderThan: Date, limit: number): Promise<StaleOperation[]> {
    return this.ds.query(
      `SELECT id, type, status FROM kplane.operations
        WHERE status IN ('Queued', 'Running') AND created_at < $1 AND updated_at < $1
        ORDER BY created_at ASC, id ASC
        LIMIT $2`,
      [olderThan, limit],
    );
  }
}
