import { ConfigError, loadConfig } from './config';

describe('ORDERS_URL / CATALOG_URL / INVENTORY_URL', () => {
  it('takes one host:port (a hostname is balanced over its addresses by the clients)', () => {
    expect(loadConfig({ CATALOG_URL: 'catalog:4002' }).serviceUrls.catalog).toEqual({ host: 'catalog', port: 4002 });
    expect(loadConfig({}).serviceUrls.catalog).toEqual({ host: '127.0.0.1', port: 4002 });
  });

  it('takes a comma-separated list of replicas; host/port are the first (the port a service listens on)', () => {
    expect(loadConfig({ CATALOG_URL: '127.0.0.2:4102, 127.0.0.3:4102' }).serviceUrls.catalog).toEqual({
      host: '127.0.0.2',
      port: 4102,
      replicas: [
        { host: '127.0.0.2', port: 4102 },
        { host: '127.0.0.3', port: 4102 },
      ],
    });
  });

  it('rejects a list with an invalid entry, naming the variable', () => {
    expect(() => loadConfig({ ORDERS_URL: 'orders:4001,orders' })).toThrow(ConfigError);
    expect(() => loadConfig({ ORDERS_URL: 'orders:4001,' })).toThrow(/ORDERS_URL/);
  });
});

describe('bind addresses and the probe port', () => {
  it('reads GATEWAY_HOST, LISTEN_HOST and HEALTH_PORT with their defaults', () => {
    expect(loadConfig({})).toMatchObject({ gatewayHost: '::', listenHost: '0.0.0.0', healthPort: null });
    expect(loadConfig({ GATEWAY_HOST: '127.0.0.1', LISTEN_HOST: 'svc.local', HEALTH_PORT: '4101' })).toMatchObject({
      gatewayHost: '127.0.0.1',
      listenHost: 'svc.local',
      healthPort: 4101,
    });
  });

  it('stops at boot with the variable named when a value is invalid', () => {
    expect(() => loadConfig({ HEALTH_PORT: 'x' })).toThrow(/HEALTH_PORT/);
    expect(() => loadConfig({ HEALTH_PORT: '70000' })).toThrow(/HEALTH_PORT/);
    expect(() => loadConfig({ LISTEN_HOST: 'bad host!' })).toThrow(/LISTEN_HOST/);
    expect(() => loadConfig({ GATEWAY_HOST: '-x' })).toThrow(/GATEWAY_HOST/);
  });
});

describe('EMBEDDED_POSTGRES_SETTINGS', () => {
  it('reads name=value pairs, none by default', () => {
    expect(loadConfig({}).embeddedPostgresSettings).toEqual([]);
    expect(loadConfig({ EMBEDDED_POSTGRES_SETTINGS: 'shared_preload_libraries=pg_stat_statements, pg_stat_statements.track = all' }).embeddedPostgresSettings).toEqual([
      ['shared_preload_libraries', 'pg_stat_statements'],
      ['pg_stat_statements.track', 'all'],
    ]);
  });

  it('stops at boot with the variable named when an item is not name=value', () => {
    expect(() => loadConfig({ EMBEDDED_POSTGRES_SETTINGS: 'work_mem' })).toThrow(/EMBEDDED_POSTGRES_SETTINGS/);
    expect(() => loadConfig({ EMBEDDED_POSTGRES_SETTINGS: 'x=1; DROP=2' })).toThrow(/EMBEDDED_POSTGRES_SETTINGS/);
  });
});
