import { Body, Controller, Delete, Get, Header, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiDefaultResponse, ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Principal, WorkspaceKubeconfigService, WorkspaceOperationResult, WorkspacesService } from '@kplane/control';
import { renderKubeconfig } from '@kplane/kube';
import type { Response } from 'express';
import { WorkspaceChangeSignals } from './workspace-change-signals';
import { API_CONFIG, ApiConfig } from '../api-config';
import { CurrentPrincipal } from '../http/auth.guard';
import { ProblemView } from '../http/problem.response';
import { LabelledPageQuery, PageResponse } from '../http/page.query';
import { operationLocation, OperationResponse, toOperationResponse } from '../operations/operation.mapper';
import { CreateWorkspaceDto } from './dto/create-workspace.dto';
import { DEFAULT_WAIT_SECONDS, GetWorkspaceQuery } from './dto/get-workspace.query';
import { OperationView } from '../operations/dto/operation.response';
import { WorkspaceCreated, WorkspacePage, WorkspaceView } from './dto/workspace.response';
import { toWorkspaceResponse, workspaceLocation, WorkspaceResponse } from './workspace.mapper';

@ApiTags('workspaces')
@ApiBearerAuth()
@ApiDefaultResponse({ type: ProblemView, description: 'application/problem+json' })
@Controller('v1/tenants/:tenant/workspaces')
export class WorkspacesController {
  constructor(
    private readonly workspaces: WorkspacesService,
    private readonly kubeconfigs: WorkspaceKubeconfigService,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly changes: WorkspaceChangeSignals,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Create a workspace (ProvisionWorkspace operation); Location is the workspace' })
  @ApiAcceptedResponse({ type: WorkspaceCreated })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Param('tenant') tenant: string,
    @Body() dto: CreateWorkspaceDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ workspace: WorkspaceResponse; operation: OperationResponse }> {
    const { workspace, operation } = await this.workspaces.create(principal, tenant, dto);
    res.location(workspaceLocation(tenant, workspace.name));
    return { workspace: toWorkspaceResponse(workspace, tenant, this.config.apiserverBaseUrl), operation: toOperationResponse(operation) };
  }

  @Get()
  @ApiOperation({ summary: "List a tenant's workspaces (by name)" })
  @ApiOkResponse({ type: WorkspacePage })
  async list(@CurrentPrincipal() principal: Principal, @Param('tenant') tenant: string, @Query() query: LabelledPageQuery): Promise<PageResponse<WorkspaceResponse>> {
    const page = await this.workspaces.list(principal, tenant, query);
    return { items: page.items.map((w) => toWorkspaceResponse(w, tenant, this.config.apiserverBaseUrl)), nextCursor: page.nextCursor };
  }

  @Get(':workspace')
  @ApiOperation({ summary: 'Get a workspace; with waitFor=Ready&timeoutSeconds=N, answer once Ready or Failed or after N seconds' })
  @ApiOkResponse({ type: WorkspaceView })
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('tenant') tenant: string,
    @Param('workspace') name: string,
    @Query() query: GetWorkspaceQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<WorkspaceResponse> {
    if (query.waitFor === undefined) {
      return toWorkspaceResponse(await this.workspaces.get(principal, tenant, name), tenant, this.config.apiserverBaseUrl);
    }
    const aborted = new AbortController();
    const onClose = () => aborted.abort();
    res.once('close', onClose);
    try {
      const ws = await this.workspaces.waitForPhase(principal, tenant, name, {
        phases: ['Ready', 'Failed'],
        timeoutMs: (query.timeoutSeconds ?? DEFAULT_WAIT_SECONDS) * 1000,
        signal: aborted.signal,
        changes: this.changes,
      });
      return toWorkspaceResponse(ws, tenant, this.config.apiserverBaseUrl);
    } finally {
      res.off('close', onClose);
    }
  }

  @Delete(':workspace')
  @HttpCode(202)
  @ApiOperation({ summary: 'Delete a workspace (DeprovisionWorkspace); repeating it returns the operation in flight' })
  @ApiAcceptedResponse({ type: OperationView })
  async remove(@CurrentPrincipal() principal: Principal, @Param('tenant') tenant: string, @Param('workspace') name: string, @Res({ passthrough: true }) res: Response): Promise<OperationResponse> {
    return this.answer(await this.workspaces.requestDeletion(principal, tenant, name), res);
  }

  @Post(':workspace/suspend')
  @HttpCode(202)
  @ApiOperation({ summary: 'Suspend a workspace (its API answers 503 and keeps its data)' })
  @ApiAcceptedResponse({ type: OperationView })
  async suspend(@CurrentPrincipal() principal: Principal, @Param('tenant') tenant: string, @Param('workspace') name: string, @Res({ passthrough: true }) res: Response): Promise<OperationResponse> {
    return this.answer(await this.workspaces.requestSuspend(principal, tenant, name), res);
  }

  @Post(':workspace/resume')
  @HttpCode(202)
  @ApiOperation({ summary: 'Resume a suspended workspace' })
  @ApiAcceptedResponse({ type: OperationView })
  async resume(@CurrentPrincipal() principal: Principal, @Param('tenant') tenant: string, @Param('workspace') name: string, @Res({ passthrough: true }) res: Response): Promise<OperationResponse> {
    return this.answer(await this.workspaces.requestResume(principal, tenant, name), res);
  }

  @Post(':workspace/credentials/rotate')
  @HttpCode(202)
  @ApiOperation({ summary: 'Issue a new token; once the operation succeeds the old one is refused' })
  @ApiAcceptedResponse({ type: OperationView })
  async rotate(@CurrentPrincipal() principal: Principal, @Param('tenant') tenant: string, @Param('workspace') name: string, @Res({ passthrough: true }) res: Response): Promise<OperationResponse> {
    return this.answer(await this.workspaces.requestCredentialRotation(principal, tenant, name), res);
  }

  @Get(':workspace/kubeconfig')
  @Header('Cache-Control', 'no-store')
  @ApiProduces('application/yaml')
  @ApiOkResponse({ description: 'kubeconfig YAML', schema: { type: 'string' } })
  @ApiOperation({ summary: 'The kubeconfig of a Ready workspace (409 before)' })
  async kubeconfig(@CurrentPrincipal() principal: Principal, @Param('tenant') tenant: string, @Param('workspace') name: string, @Res() res: Response): Promise<void> {
    const material = await this.kubeconfigs.material(principal, tenant, name);
    res.status(200).type('application/yaml').send(renderKubeconfig(material));
  }

  private answer(result: WorkspaceOperationResult, res: Response): OperationResponse {
    res.location(operationLocation(result.operation.id));
    return toOperationResponse(result.operation);
  }
}
