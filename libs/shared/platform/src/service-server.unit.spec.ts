import { ServiceServerTcp } from './service-server';

describe('ServiceServerTcp (the services\' TCP server)', () => {
  const server = () => {
    const s = new ServiceServerTcp({ host: '127.0.0.1', port: 0 });
    const handler = Object.assign(async () => 'ok', {});
    s.addHandler('orders.get', handler);
    s.addHandler({ cmd: 'sum' }, handler);
    return { s, handler, routes: (s as unknown as { routes: Map<string, string> }).routes };
  };

  it('finds the handler of a pattern as Nest does, and parses a plain-string pattern only the first time', () => {
    const { s, handler, routes } = server();
    const parse = jest.spyOn(JSON, 'parse');
    try {
      expect(s.getHandlerByPattern('orders.get')).toBe(handler);
      const first = parse.mock.calls.length;
      expect(first).toBeGreaterThan(0); // Nest's way: JSON.parse (which throws for 'orders.get')
      expect(s.getHandlerByPattern('orders.get')).toBe(handler);
      expect(s.getHandlerByPattern('orders.get')).toBe(handler);
      expect(parse.mock.calls.length).toBe(first);
    } finally {
      parse.mockRestore();
    }
    expect(s.getHandlerByPattern('{"cmd":"sum"}')).toBe(handler);
    expect([...routes.keys()]).toEqual(['orders.get', '{"cmd":"sum"}']);
  });

  it('remembers no pattern without a handler (a peer cannot grow the map)', () => {
    const { s, routes } = server();
    for (let i = 0; i < 100; i++) expect(s.getHandlerByPattern(`made.up.${i}`)).toBeNull();
    expect(routes.size).toBe(0);
  });
});
