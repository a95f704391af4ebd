import 'reflect-metadata';
import { Module, type INestApplicationContext, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandHandler, CqrsModule, QueryHandler, type ICommandHandler, type IQueryHandler } from '@nestjs/cqrs';
import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { RequestCommand, RequestQuery } from '@datamingle/application';
import { resourcePatternsOf, type ServiceReply, type ServiceRequest } from '@datamingle/contracts';
import type { ServiceMessageController } from './failures';
import { Logger } from './logger';
import { serviceMessageController, type ServiceMessages } from './message-controller-table';

class Create extends RequestCommand {}
class Update extends RequestCommand {}
class Deactivate extends RequestCommand {}
class Get extends RequestQuery {}
class List extends RequestQuery {}
class SetLevels extends RequestCommand {}
class ListLevels extends RequestQuery {}
class GetLevels extends RequestQuery {}
class Lookup {
  constructor(readonly request: { skus: string[] }) {}
}

const seen: string[] = [];
const answer = (name: string) => (message: RequestCommand | RequestQuery): Promise<ServiceReply> => {
  seen.push(`${name}:${message.request.requestId}`);
  if (message.request.body['fail'] === true) return Promise.reject(new Error('a bug'));
  return Promise.resolve({ ok: true, status: 200, data: { handledBy: name } });
};

@CommandHandler(Create)
class CreateHandler implements ICommandHandler<Create> {
  execute = answer('create');
}
@QueryHandler(Get)
class GetHandler implements IQueryHandler<Get> {
  execute = answer('get');
}
@QueryHandler(Lookup)
class LookupHandler implements IQueryHandler<Lookup> {
  execute(query: Lookup): Promise<unknown> {
    if (query.request.skus.includes('BOOM')) return Promise.reject(new Error('catalog read model down'));
    return Promise.resolve({ known: query.request.skus });
  }
}

const INVENTORY: ServiceMessages<'inventory'> = {
  locations: { create: { command: Create }, update: { command: Update }, delete: { command: Deactivate }, get: { query: Get }, list: { query: List }, history: { query: Get }, records: { query: List } },
  inventory: { create: { command: SetLevels }, list: { query: ListLevels }, get: { query: GetLevels }, records: { query: GetLevels } },
};

const request = (requestId: string, body: Record<string, unknown> = {}) =>
  ({ requestId, tenantId: 't-1', method: 'POST', body, params: {}, query: {} }) as unknown as ServiceRequest;

type Handlers = Record<string, (payload: unknown) => Promise<unknown>>;

describe('serviceMessageController: a service’s message controller from its table', () => {
  const Controller = serviceMessageController('inventory', INVENTORY, { 'test.lookup': Lookup });
  let app: INestApplicationContext;
  let controller: Handlers;
  const logged: string[] = [];

  beforeAll(async () => {
    const logger = Object.assign(Object.create(Logger.prototype) as Logger, {
      error: (msg: string) => logged.push(msg),
      warn: (msg: string) => logged.push(msg),
    });
    @Module({
      imports: [CqrsModule.forRoot()],
      controllers: [Controller],
      providers: [CreateHandler, GetHandler, LookupHandler, { provide: Logger, useValue: logger }],
    })
    class TestModule {}
    app = await NestFactory.createApplicationContext(TestModule, { logger: false });
    await app.init();
    controller = app.get(Controller as Type<ServiceMessageController>) as unknown as Handlers;
  });
  afterAll(() => app.close());

  it('declares one @MessagePattern handler for every pattern the registry gives the service, plus the internal ones', () => {
    const declared = Object.getOwnPropertyNames(Controller.prototype)
      .filter((name) => name !== 'constructor')
      .map((name) => Reflect.getMetadata(PATTERN_METADATA, (Controller.prototype as unknown as Handlers)[name]) as unknown[]);
    const expected = [...resourcePatternsOf('inventory').map((p) => p.pattern), 'test.lookup'];
    expect(declared.map((patterns) => patterns[0]).sort()).toEqual(expected.sort());
    expect(expected).toContain('locations.deactivate');
    expect(expected).toContain('inventory.bulk-set');
    expect(Controller.name).toBe('InventoryMessageController');
  });

  it('runs a command or query on the CQRS buses with the request, and answers its reply', async () => {
    seen.length = 0;
    await expect(controller['locations.create']!(request('r-1'))).resolves.toEqual({ ok: true, status: 200, data: { handledBy: 'create' } });
    await expect(controller['locations.get']!(request('r-2'))).resolves.toEqual({ ok: true, status: 200, data: { handledBy: 'get' } });
    expect(seen).toEqual(['create:r-1', 'get:r-2']);
  });

  it('turns a failure into a 500 reply logged with its request id (ServiceMessageController.run), and parses a forwarded body', async () => {
    logged.length = 0;
    const reply = await controller['locations.create']!({ ...request('r-3'), bodyUtf8: Buffer.from('{"fail": true}') });
    expect(reply).toEqual({ ok: false, error: { code: 'INTERNAL_ERROR', message: expect.any(String) } });
    expect(logged).toEqual(['unexpected failure']);
    await expect(controller['locations.create']!({ ...request('r-4'), bodyUtf8: Buffer.from('{"a":') })).resolves.toMatchObject({ ok: false, error: { code: 'VALIDATION_ERROR' } });
  });

  it('lets an internal message answer as is and its failure reach the caller', async () => {
    await expect(controller['test.lookup']!({ skus: ['A'] })).resolves.toEqual({ known: ['A'] });
    await expect(controller['test.lookup']!({ skus: ['BOOM'] })).rejects.toThrow('catalog read model down');
  });

  it('refuses a table that answers a pattern twice', () => {
    expect(() => serviceMessageController('inventory', INVENTORY, { 'locations.create': Lookup })).toThrow(
      'inventory: message pattern locations.create is in the table twice',
    );
  });
});
