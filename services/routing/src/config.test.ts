import { loadRoutingConfig } from './config';

describe('the routing configuration', () => {
  it('batches 50 events by default and refuses a batch larger than one facts call may name', () => {
    expect(loadRoutingConfig({}).ROUTING_BATCH_SIZE).toBe(50);
    expect(loadRoutingConfig({ ROUTING_BATCH_SIZE: '1' }).ROUTING_BATCH_SIZE).toBe(1);
    expect(() => loadRoutingConfig({ ROUTING_BATCH_SIZE: '501' })).toThrow(/ROUTING_BATCH_SIZE/);
    expect(() => loadRoutingConfig({ ROUTING_BATCH_SIZE: '0' })).toThrow(/ROUTING_BATCH_SIZE/);
  });
});
