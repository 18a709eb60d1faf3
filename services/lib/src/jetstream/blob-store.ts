// Content-addressed blobs (raw emails, attachment bytes) in a JetStream object store, so events
// carry keys, never bytes. The key is the SHA-256 of the content: storing twice stores once.
import { createHash } from 'node:crypto';
import { StorageType, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { Objm, type ObjectStore } from '@nats-io/obj';
import { whenClusterPlaces, type SettleOptions } from './cluster-settle';

export const BLOB_BUCKET = 'inbox-blobs';

export interface BlobStoreOptions {
  /** The replica count to create the bucket with, or bring an existing one to; left as it is when absent. */
  replicas?: number;
  bucket?: string;
  /** How long to wait for a cluster that is still forming. */
  settle?: SettleOptions;
}

export class BlobStore {
  private constructor(private readonly store: ObjectStore) {}

  /**
   * Opens the bucket, creating it if it is missing. Given a replica count, an existing bucket is
   * brought to it: whichever service boots first must not fix the replicas for the others.
   */
  static async open(nc: NatsConnection, { replicas, bucket = BLOB_BUCKET, settle }: BlobStoreOptions = {}): Promise<BlobStore> {
    const objm = new Objm(nc);
    const store = await whenClusterPlaces(
      () => objm.create(bucket, { storage: StorageType.File, replicas: replicas ?? 1, description: 'Raw messages and attachment bytes' }),
      settle,
    );
    if (replicas !== undefined) {
      const jsm = await jetstreamManager(nc);
      const stream = `OBJ_${bucket}`;
      await whenClusterPlaces(async () => {
        const { config } = await jsm.streams.info(stream);
        if (config.num_replicas !== replicas) await jsm.streams.update(stream, { ...config, num_replicas: replicas });
      }, settle);
    }
    return new BlobStore(store);
  }

  static keyFor(kind: 'raw' | 'att', data: Uint8Array): string {
    return `${kind}/${createHash('sha256').update(data).digest('hex')}`;
  }

  /** Stores the bytes under their content key (skipped when already there) and returns the key. */
  async put(kind: 'raw' | 'att', data: Uint8Array): Promise<string> {
    const key = BlobStore.keyFor(kind, data);
    const existing = await this.store.info(key);
    if (!existing || existing.deleted) await this.store.putBlob({ name: key }, data);
    return key;
  }

  get(key: string): Promise<Uint8Array | null> {
    return this.store.getBlob(key);
  }

  async delete(key: string): Promise<void> {
    await this.store.delete(key);
  }
}
