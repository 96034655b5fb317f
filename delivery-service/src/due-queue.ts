// DueQueue: the delivery-service's orders in flight by the time their next status or courier
// position is due (a binary min-heap), so a cycle touches only what is due, not every order.

interface Entry<T> {
  at: number;
  item: T;
}

/** What `takeDue` returns: the items taken, earliest first, and the time every item due by it was taken. */
export interface Taken<T> {
  items: T[];
  through: number;
}

export class DueQueue<T> {
  private readonly heap: Entry<T>[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(at: number, item: T): void {
    const heap = this.heap;
    const entry = { at, item };
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.at <= at) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = entry;
  }

  /** Due time of the earliest item (undefined when empty). */
  peek(): number | undefined {
    return this.heap[0]?.at;
  }

  /**
   * Takes the items due by `now`, earliest first, at most `max` of them, except that items due at the
   * same time as the last one taken are taken too (so `through` is never before an item taken).
   * `through`: `now` when every item due by `now` was taken, else just before the first one left.
   */
  takeDue(now: number, max: number): Taken<T> {
    const items: T[] = [];
    let last = Number.NEGATIVE_INFINITY;
    for (let next = this.peek(); next !== undefined && next <= now; next = this.peek()) {
      if (items.length >= max && next > last) return { items, through: next - 1 };
      last = next;
      items.push(this.pop()!);
    }
    return { items, through: now };
  }

  private pop(): T | undefined {
    const heap = this.heap;
    const top = heap[0];
    const end = heap.pop();
    if (top === undefined || end === undefined || heap.length === 0) return top?.item;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && heap[right]!.at < heap[left]!.at ? right : left;
      if (heap[child]!.at >= end.at) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = end;
    return top.item;
  }
}
