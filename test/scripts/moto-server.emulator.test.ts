import { CloudWatchClient, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { startMoto } from '../../scripts/moto-server';

test('moto_server starts on a free loopback port, answers the SDK and stops by PID', async () => {
  const moto = await startMoto();
  try {
    expect(moto.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const cw = new CloudWatchClient({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    const res = await cw.send(new ListMetricsCommand({}));
    expect(res.Metrics).toEqual([]);
  } finally {
    await moto.stop();
  }
  expect(() => process.kill(moto.pid, 0)).toThrow();
});
