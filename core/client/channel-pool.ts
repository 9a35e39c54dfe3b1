/**
 * Several connections to one Modbus TCP device, used as one channel: each transaction goes to the
 * open connection with the fewest in flight. For devices that take several connections but work through
 * each one's requests one at a time (most PLCs, and libmodbus's server, which reads one request per
 * connection per pass): more connections, more of the device's parallelism.
 */
import type { Channel, ChannelStats, TransactionOptions, WireTap } from './channel.ts'
import { newChannelStats } from './channel.ts'

/** A channel that can tell whether its link is up. */
type Member = Channel & { readonly connected: boolean }

/** N channels to the same device behind one Channel. */
export class ChannelPool implements Channel {
  private readonly inFlight: number[]
  private wireTap: WireTap | undefined

  constructor(private readonly members: readonly Member[]) {
    this.inFlight = members.map(() => 0)
  }

  /** Wire tap (captures): set on every member, each frame marked with its member's index as `connection`. */
  get tap(): WireTap | undefined {
    return this.wireTap
  }

  set tap(t: WireTap | undefined) {
    this.wireTap = t
    this.members.forEach((m, i) => (m.tap = t && ((dir, raw, unit, pdu, note) => t(dir, raw, unit, pdu, note, i))))
  }

  /** True while any connection is up. */
  get connected(): boolean {
    return this.members.some((m) => m.connected)
  }

  /** The members' counters, summed. */
  get stats(): ChannelStats {
    const sum = newChannelStats()
    for (const m of this.members) for (const k of Object.keys(sum) as (keyof ChannelStats)[]) sum[k] += m.stats[k]
    return sum
  }

  async connect(timeoutMs?: number): Promise<void> {
    await Promise.all(this.members.map((m) => m.connect(timeoutMs)))
  }

  /**
   * Sends on the connected member with the fewest in flight; only when none is connected, on the
   * least busy one (which then reconnects or fails as a single channel would). A member that is down
   * has nothing in flight and would otherwise draw every request while the others are up.
   */
  transact(unit: number, request: Buffer, options: TransactionOptions): Promise<Buffer | null> {
    let best = -1
    for (let i = 0; i < this.members.length; i++) {
      if (this.members[i].connected && (best < 0 || this.inFlight[i] < this.inFlight[best])) best = i
    }
    if (best < 0) {
      best = 0
      for (let i = 1; i < this.members.length; i++) if (this.inFlight[i] < this.inFlight[best]) best = i
    }
    this.inFlight[best]++
    const done = () => void this.inFlight[best]--
    const result = this.members[best].transact(unit, request, options)
    result.then(done, done)
    return result
  }

  async close(): Promise<void> {
    await Promise.all(this.members.map((m) => m.close()))
  }
}
