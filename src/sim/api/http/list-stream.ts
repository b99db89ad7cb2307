import { Readable } from 'node:stream';
import type { ResourceDef } from '../registry.ts';
import { apiVersionOf } from '../registry.ts';
import type { StoredObject } from '../store/stored.ts';

/**
 * Items per chunk of a streamed list: ~360 KB of pods, a few ms of serialization at most. With
 * 400 (~1 MB) the sim's event-loop delay p99 while listing 10,000 pods after a write load was
 * 37-39 ms (bench/sim-api, keep-alive, 2 runs each on demo and empty); with 150 it was 28-34 ms,
 * the list's total time within the runs' noise.
 */
const CHUNK_ITEMS = 150;

function listHead(def: ResourceDef, listMeta: Record<string, unknown>): string {
  return `{"kind":${JSON.stringify(def.listKind)},"apiVersion":${JSON.stringify(apiVersionOf(def))},"metadata":${JSON.stringify(listMeta)},"items":[`;
}

/** A list body assembled from each item's cached JSON: no re-serialization of 10,000 pods. */
export function listJson(def: ResourceDef, listMeta: Record<string, unknown>, items: StoredObject[]): string {
  const parts: string[] = new Array<string>(items.length);
  for (let i = 0; i < items.length; i++) parts[i] = (items[i] as StoredObject).itemJson();
  return `${listHead(def, listMeta)}${parts.join(',')}]}`;
}

/**
 * The same body as listJson, produced a chunk at a time as the socket takes it. A big list built
 * in one piece (24 MB for 10,000 pods, most of them never serialized since their last status
 * write) held the event loop for a few hundred ms, and with it every other request; streamed,
 * each chunk costs a few ms and other requests run in between. The items are the snapshot the
 * list was read at (stored versions are immutable), so the body is the same either way.
 */
export function listStream(def: ResourceDef, listMeta: Record<string, unknown>, items: StoredObject[]): Readable {
  function* chunks(): Generator<string> {
    yield listHead(def, listMeta);
    for (let i = 0; i < items.length; i += CHUNK_ITEMS) {
      const end = Math.min(items.length, i + CHUNK_ITEMS);
      const parts: string[] = new Array<string>(end - i);
      for (let j = i; j < end; j++) parts[j - i] = (items[j] as StoredObject).itemJson();
      yield `${i > 0 ? ',' : ''}${parts.join(',')}`;
    }
    yield ']}';
  }
  return Readable.from(chunks(), { objectMode: false, highWaterMark: 1 << 20 });
}

/** Lists longer than this are streamed (a smaller list is one write of at most ~2 MB). */
export const STREAM_LIST_ITEMS = 800;
