/** A fixed-capacity buffer that drops its oldest items, so memory stays bounded however long. */

/** Holds at most `capacity` items; pushing past it overwrites the oldest. */
export class RingBuffer<T> {
  readonly capacity: number
  #items: (T | undefined)[]
  #next = 0
  #size = 0

  constructor(capacity: number) {
    this.capacity = capacity
    this.#items = new Array(capacity)
  }

  /** How many items are held. */
  get size(): number {
    return this.#size
  }

  /** Adds an item, dropping the oldest when full. */
  push(item: T): void {
    this.#items[this.#next] = item
    this.#next = (this.#next + 1) % this.capacity
    this.#size = Math.min(this.#size + 1, this.capacity)
  }

  /** The items, oldest first. */
  toArray(): T[] {
    const start = (this.#next - this.#size + this.capacity) % this.capacity
    const out: T[] = []
    for (let i = 0; i < this.#size; i++) out.push(this.#items[(start + i) % this.capacity] as T)
    return out
  }
}
