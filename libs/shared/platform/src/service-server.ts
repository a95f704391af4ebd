import { ServerTCP } from '@nestjs/microservices';

/**
 * Nest's TCP server (ServerTCP) with each incoming pattern's route remembered. Nest's
 * `getRouteFromPattern` first tries `JSON.parse` on the pattern; ours are plain strings
 * (`orders.get`), so that parse threw a SyntaxError on every message: about 6.5 µs, the largest
 * item of the orders service's own JavaScript on a GET (docs/benchmarks.md, "The hot paths
 * against bare baselines"). Only a pattern whose route names a handler is remembered, so a peer
 * sending made-up patterns cannot grow the map; everything else goes Nest's way, unchanged.
 */
export class ServiceServerTcp extends ServerTCP {
  private readonly routes = new Map<string, string>();

  protected override getRouteFromPattern(pattern: string): string {
    const known = this.routes.get(pattern);
    if (known !== undefined) return known;
    const route = super.getRouteFromPattern(pattern);
    if (this.messageHandlers.has(route)) this.routes.set(pattern, route);
    return route;
  }
}
