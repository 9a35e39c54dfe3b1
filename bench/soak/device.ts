/**
 * A soak device: core's serial server with simulated units (the simulator's default device) on
 * one end of a PTY pair, at 115200 baud RTU, in the soak's own process.
 *
 * `powerOff()` closes the port and forgets the registers, as a power cut would; `powerOn()` starts
 * again with fresh (zero) registers. When the PTY goes away under a powered device, the server is
 * closed and the port opened again as soon as the path is back, as a device whose cable was
 * unplugged and plugged in again: its registers survive.
 */
import { buildDevices, defaultDeviceFile, ModbusSerialServer } from '../../core/index.ts'

/** What a device reports: the port opened, or closed with a reason. */
export type DeviceEvent = { event: 'open' } | { event: 'closed'; reason: string }

const RETRY_MS = 300

/** One simulated device process stand-in. */
export class SoakDevice {
  private powered = false
  private server: ModbusSerialServer | undefined
  /** Ends the current wait (for the port to close, or before the next open attempt). */
  private wake: (() => void) | undefined
  private loop: Promise<void> = Promise.resolve()

  constructor(
    private readonly path: string,
    private readonly units: number[],
    private readonly onEvent: (e: DeviceEvent) => void,
  ) {}

  /** Starts serving with fresh registers. */
  powerOn(): void {
    if (this.powered) return
    this.powered = true
    const { context } = buildDevices(defaultDeviceFile(this.units))
    this.loop = this.serve(context)
  }

  /** Stops serving at once and forgets the registers. */
  async powerOff(): Promise<void> {
    this.powered = false
    this.wake?.()
    await this.loop
  }

  private async serve(context: ReturnType<typeof buildDevices>['context']): Promise<void> {
    while (this.powered) {
      const server = new ModbusSerialServer({ context, address: `rtu://${this.path}?baud=115200` })
      try {
        await server.listen()
      } catch {
        await this.wait((wake) => setTimeout(wake, RETRY_MS))
        continue
      }
      this.server = server
      this.onEvent({ event: 'open' })
      const reason = await this.wait((wake) => server.once('close', (err?: Error) => wake(err?.message ?? 'closed')))
      this.server = undefined
      await server.close()
      this.onEvent({ event: 'closed', reason: reason ?? 'powered off' })
    }
  }

  /** Waits until `arm`'s callback fires or the device is powered off; resolves with the callback's argument. */
  private wait(arm: (wake: (value?: string) => void) => void): Promise<string | undefined> {
    return new Promise((resolve) => {
      let done = false
      const wake = (value?: string) => {
        if (done) return
        done = true
        this.wake = undefined
        resolve(value)
      }
      this.wake = () => wake()
      arm(wake)
    })
  }
}
