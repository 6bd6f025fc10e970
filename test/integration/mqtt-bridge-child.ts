// A process that runs only the coordinator's MQTT bridge (fed by a FakeBridgeSource ticking every
// 200 ms), so a test can SIGKILL it and watch the broker publish the last will. Prints "connected"
// once the bridge is connected. argv: <broker url> <cluster>
import { silentLogger } from '@isawatt/common';
import { mqttConfigSchema } from '../../packages/coordinator/src/mqtt/config.js';
import { createMqtt } from '../../packages/coordinator/src/mqtt/create-mqtt.js';
import { FakeBridgeSource } from '../../packages/coordinator/src/mqtt/fake-bridge-source.test-support.js';

const [url, cluster] = process.argv.slice(2);
if (!url || !cluster) throw new Error('usage: mqtt-bridge-child.ts <broker url> <cluster>');
const source = new FakeBridgeSource();
source.addHost('h1');
const wiring = createMqtt({ config: mqttConfigSchema.parse({ broker: url }), cluster, stateDir: undefined, source, log: silentLogger() });
for (const s of wiring.services) await s.init?.();
const timer = setInterval(() => source.tick(Date.now(), 2, 200), 200);
const poll = setInterval(() => {
  if (wiring.status() === 'connected') {
    clearInterval(poll);
    process.stdout.write('connected\n');
  }
}, 20);
process.on('SIGTERM', () => {
  clearInterval(timer);
  void (async () => {
    for (const s of [...wiring.services].reverse()) await s.shutdown?.();
    process.exit(0);
  })();
});
