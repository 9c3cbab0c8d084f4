/** Sorted numbers with rank, insertion and removal by binary search. */
export class SortedNumbers {
  readonly values: number[] = [];

  /** How many values are below `value`. */
  rank(value: number): number {
    let low = 0;
    let high = this.values.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.values[mid]! < value) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  insert(value: number): void {
    // New tickets are the highest: the common case is a push.
    if (this.values.length === 0 || value > this.values[this.values.length - 1]!) this.values.push(value);
    else this.values.splice(this.rank(value), 0, value);
  }

  remove(value: number): void {
    const at = this.rank(value);
    if (this.values[at] === value) this.values.splice(at, 1);
  }

  /** The median as PostgreSQL's percentile_cont(0.5): the mean of the middle two for an even count. */
  median(): number | null {
    const n = this.values.length;
    if (n === 0) return null;
    const mid = n >> 1;
    return n % 2 === 1 ? this.values[mid]! : (this.values[mid - 1]! + this.values[mid]!) / 2;
  }
}
