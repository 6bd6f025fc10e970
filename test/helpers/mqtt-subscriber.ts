// An MQTT subscriber for integration tests: connects (no reconnect), subscribes at QoS 1 and keeps
// every message it gets, its JSON payload parsed, in arrival order. The caller ends the client.
import mqtt, { type MqttClient } from 'mqtt';

export interface ReceivedMessage {
  topic: string;
  json: Record<string, unknown>;
  retain: boolean;
}

export async function subscribe(url: string, filter: string): Promise<{ client: MqttClient; got: ReceivedMessage[] }> {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
  const got: ReceivedMessage[] = [];
  client.on('message', (topic, payload, packet) => got.push({ topic, json: JSON.parse(payload.toString()) as Record<string, unknown>, retain: packet.retain }));
  await client.subscribeAsync(filter, { qos: 1 });
  return { client, got };
}
