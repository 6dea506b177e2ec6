import CLibUV

/// A uv_timer_t that calls `tick` on the loop thread every `interval` milliseconds until it is closed (by `stop`
/// or by the loop's shutdown). Ownership as for every `LoopHandle`.
final class RepeatingTimer: LoopHandle, @unchecked Sendable {  // @unchecked: loop-confined, as LoopHandle.
    private let tick: () -> Void

    /// Creates and starts the timer; call on the loop thread. Nil if the loop is stopping or libuv refused.
    static func start(on loop: EventLoop, intervalMilliseconds interval: UInt64, _ tick: @escaping () -> Void)
        -> RepeatingTimer?
    {
        guard !loop.isStopping else { return nil }
        let timer = RepeatingTimer(loop: loop, tick: tick)
        guard uv_timer_init(loop.uvLoop, timer.handle(as: uv_timer_t.self)) == 0 else {
            timer.discard()
            return nil
        }
        timer.adopt()
        uv_timer_start(timer.handle(as: uv_timer_t.self), { t in
            LoopHandle.owner(of: t, as: RepeatingTimer.self).tick()
        }, interval, interval)
        return timer
    }

    private init(loop: EventLoop, tick: @escaping () -> Void) {
        self.tick = tick
        super.init(loop: loop, byteCount: MemoryLayout<uv_timer_t>.size)
    }

    /// Stops and closes the timer.
    func stop() {
        closeHandle()
    }
}
