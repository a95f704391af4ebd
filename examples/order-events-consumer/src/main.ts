/**
 * Example consumer: `KAFKA_BROKERS=host:port node examples/order-events-consumer/dist/main.js`.
 * Keeps a copy of every order from the orders topic and prints each change.
 */
import { Kafka, logLevel } from 'kafkajs';
import { OrdersCopy, type OrderEventEnvelope } from './order-copy';

async function main(): Promise<void> {
  const brokers = (process.env['KAFKA_BROKERS'] ?? '').split(',').filter(Boolean);
  if (brokers.length === 0) throw new Error('set KAFKA_BROKERS');
  const topic = `${process.env['KAFKA_TOPIC_PREFIX'] || 'datamingle'}.orders.events.v1`;
  const kafka = new Kafka({ clientId: 'order-events-consumer', brokers, logLevel: logLevel.ERROR });
  const consumer = kafka.consumer({ groupId: process.env['GROUP_ID'] || 'order-events-consumer' });
  const copy = new OrdersCopy();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const event = JSON.parse(message.value!.toString()) as OrderEventEnvelope;
      if (copy.apply(event)) {
        const order = copy.get(event.tenant_id, event.aggregate_id)!;
        process.stdout.write(`${event.type} ${String(order['order_number'])} → ${String(order['status'])} (v${event.aggregate_version}, ${copy.size} orders)\n`);
      }
    },
  });
  const stop = () => void consumer.disconnect().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`order-events-consumer: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
