import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiDefaultResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditLog, Principal } from '@kplane/control';
import { CurrentPrincipal } from '../http/auth.guard';
import { PageResponse } from '../http/page.query';
import { ProblemView } from '../http/problem.response';
import { AuditEventResponse, toAuditEventResponse } from './audit-event.mapper';
import { AuditEventPage } from './dto/audit-event.response';
import { AuditQuery } from './dto/audit-query';

@ApiTags('audit')
@ApiBearerAuth()
@ApiDefaultResponse({ type: ProblemView, description: 'application/problem+json' })
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditLog) {}

  @Get()
  @ApiOperation({ summary: 'Audit events, newest first (admin only)' })
  @ApiOkResponse({ type: AuditEventPage })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: AuditQuery): Promise<PageResponse<AuditEventResponse>> {
    const page = await this.audit.list(principal, {
      ...query,
      from: query.from !== undefined ? new Date(query.from) : undefined,
      to: query.to !== undefined ? new Date(query.to) : undefined,
    });
    return { items: page.items.map(toAuditEventResponse), nextCursor: page.nextCursor };
  }
}
