import { InMemoryDocuments } from '@datamingle/application/testing';
import type { LocationDto } from '@datamingle/contracts';
import { LocationReadModel, type Page, type PageQuery, type StoredLocation, type Written } from '../ports';

/** The locations read model, in memory: one row per location stream, projected by writeAndProject. */
export class InMemoryLocationReadModel extends LocationReadModel {
  private readonly docs = new InMemoryDocuments<LocationDto>();

  async findByStreams(tenantId: string, streams: readonly string[]): Promise<Map<string, { doc: LocationDto; revision: number }>> {
    return this.docs.byStreams(tenantId, streams);
  }

  async findByCode(tenantId: string, code: string): Promise<StoredLocation | null> {
    const found = this.docs.find(tenantId, (d) => d.code === code);
    return found ? { location: found.doc, streamName: found.streamName } : null;
  }

  async listActive(tenantId: string, query: PageQuery): Promise<Page<LocationDto>> {
    return this.docs.page(tenantId, (d) => d.is_active, query);
  }

  async lookup(tenantId: string, codes: readonly string[]): Promise<Map<string, { id: string; active: boolean }>> {
    return new Map(this.docs.all(tenantId).flatMap(({ doc }) => (codes.includes(doc.code) ? [[doc.code, { id: doc.id, active: doc.is_active }] as const] : [])));
  }

  writeAndProject<T>(tenantId: string, streamName: string, write: () => Promise<Written<T>>): Promise<T> {
    return this.docs.writeAndProject(tenantId, streamName, write);
  }
}
